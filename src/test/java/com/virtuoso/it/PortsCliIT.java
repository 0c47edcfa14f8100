package com.virtuoso.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar target/virtuoso.jar ports ...} as an operator types it, in a directory with its
 * own {@code config/application.yaml}, against a real server.
 */
class PortsCliIT {

    @TempDir
    Path directory;

    @Test
    void checkListAndAutoFixAgainstARunningServer() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + ports.get(0)
                + "\n  fallback_ports: [" + ports.get(1) + "]\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        String configBefore = Files.readString(directory.resolve("config/application.yaml"));
        try (JarProcess server = JarProcess.start(directory, Map.of())) {
            assertThat(server.awaitListening()).isEqualTo(ports.get(0));

            JarProcess check = JarProcess.ports(directory, "check", Integer.toString(ports.get(0)));
            assertThat(check.awaitExit(Duration.ofSeconds(60))).isOne();
            assertThat(check.output()).contains("PID " + server.pid()).contains("[Virtuoso]")
                .doesNotContain("HV000001");

            JarProcess list = JarProcess.ports(directory, "list");
            assertThat(list.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(list.output()).containsPattern(server.pid() + "\\s+127.0.0.1\\s+" + ports.get(0));

            JarProcess fix = JarProcess.ports(directory, "auto-fix", "--yes");
            assertThat(fix.awaitExit(Duration.ofSeconds(120))).isZero();
            assertThat(fix.output()).contains("Stopped Virtuoso " + server.pid());
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(Files.readString(directory.resolve("config/application.yaml"))).isEqualTo(configBefore);
        }
    }

    @Test
    void autoFixNeverStopsAForeignProcessAndFindAvailablePrintsNumbersAlone() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + ports.get(0)
                + "\n  fallback_ports: [" + ports.get(1) + "]\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        try (ListenerProcess foreign = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            JarProcess find = JarProcess.ports(directory, "find-available");
            assertThat(find.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(find.output().strip()).matches("\\d+");
            assertThat(Integer.parseInt(find.output().strip())).isGreaterThan(ports.get(0));

            JarProcess fix = JarProcess.ports(directory, "auto-fix", "--yes");
            assertThat(fix.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(foreign.isAlive()).isTrue();
            assertThat(Files.readString(directory.resolve("config/application.yaml")))
                .contains("port: " + ports.get(1) + "\n");

            JarProcess kill = JarProcess.ports(directory, "kill", Integer.toString(ports.get(0)));
            assertThat(kill.awaitExit(Duration.ofSeconds(60))).isOne();
            assertThat(kill.output()).contains("no terminal");
            assertThat(foreign.isAlive()).isTrue();
        }
    }

    @Test
    void updateConfigDoesNotWriteAFileTheServerWouldNotRead() throws Exception {
        Path elsewhere = Files.writeString(directory.resolve("elsewhere.yaml"), "web_server:\n  host: 127.0.0.1\n");
        int port = FreePorts.pick();
        JarProcess update = JarProcess.start(directory, Map.of("SPRING_CONFIG_LOCATION", "file:" + elsewhere), "ports",
                "update-config", Integer.toString(port));
        assertThat(update.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(update.output()).contains("spring.config.location (file:" + elsewhere + ")")
            .contains("nothing was changed");
        assertThat(directory.resolve("config/application.yaml")).doesNotExist();
        assertThat(elsewhere).hasContent("web_server:\n  host: 127.0.0.1\n");
    }

}
