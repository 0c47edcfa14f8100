package com.virtuoso.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;
import com.virtuoso.testing.LocalZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged server in a real ZooKeeper, turned on by the two documented keys in
 * {@code config/application.yaml}: a server killed with SIGKILL removes nothing itself, and its
 * entry goes when its session expires.
 */
class ServiceDiscoveryIT {

    @TempDir
    Path directory;

    @TempDir
    Path zooKeeperData;

    @Test
    void theEntryOfAKilledServerGoesWhenItsSessionExpires() throws Exception {
        try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, true)) {
            int port = FreePorts.pick();
            JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port
                    + "\n  fallback_ports: []\n  state_dir: \"" + directory.resolve("state") + "\"\n"
                    + "spring:\n  cloud:\n    zookeeper:\n      connect-string: \"" + zooKeeper.connectString()
                    + "\"\n      session-timeout: 2s\n      discovery:\n        enabled: true\n");
            try (JarProcess server = JarProcess.start(directory, Map.of())) {
                assertThat(server.awaitListening()).isEqualTo(port);
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> zooKeeper.instances("virtuoso").size() == 1);
                assertThat(zooKeeper.instances("virtuoso").get(0).getPort()).isEqualTo(port);

                server.kill();
                long killed = System.nanoTime();
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> zooKeeper.instances("virtuoso").isEmpty());
                System.out.println("entry gone " + Duration.ofNanos(System.nanoTime() - killed).toMillis()
                        + " ms after SIGKILL (session timeout 2 s)");
                assertThat(server.output()).doesNotContain("Removed virtuoso");
            }
        }
    }

}
