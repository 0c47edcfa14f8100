package com.virtuoso.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;
import com.virtuoso.testing.LoopbackClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged server and port manager, started in a trading system's directory, read the
 * web_server block of its config/config.yaml the same way.
 */
class TradingConfigIT {

    @TempDir
    Path directory;

    @Test
    void theServerListensWhereTheBlockSaysAndSaysOnceThatItReadIt() throws Exception {
        int port = FreePorts.pick();
        JarProcess.writeConfig(directory, "web_server:\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        Files.writeString(directory.resolve("config/config.yaml"), "database:\n  port: 5432\n\nserver:\n  port: 7000\n\n"
                + "web_server:\n  host: \"127.0.0.1\"\n  port: " + port + "\n  fallback_ports: []\n  workers: 4\n"
                + "  log_level: warn\n\ntrading:\n  symbols: [AAPL, MSFT]\n");
        try (JarProcess server = JarProcess.start(directory, Map.of())) {
            // the block's log_level (warn) hides the INFO lines, "Virtuoso listening on ..." among them
            await().atMost(Duration.ofSeconds(120)).until(() -> LoopbackClient.accepts(port));
            // but not the notice: it is said even at the level the block itself sets
            await().atMost(Duration.ofSeconds(60)).until(() -> server.output().contains("merge it into"));
            assertThat(Pattern.compile("Read the web_server block of config/config.yaml").matcher(server.output())
                .results()).hasSize(1);
            assertThat(server.output())
                .contains("To move it: cut the web_server: block out of config/config.yaml and merge it into "
                        + "config/application.yaml")
                .contains("web_server.workers (config/config.yaml, line 11, column 12) is not a web_server setting");
        }
        JarProcess shown = JarProcess.ports(directory, "--show-config");
        assertThat(shown.awaitExit(Duration.ofSeconds(60))).isZero();
        assertThat(shown.output()).containsPattern("web_server\\.port\\s+" + port + "\\s+config/config.yaml, line 9, "
                + "column 9")
            .contains("Also read: the web_server block of config/config.yaml");
    }

    @Test
    void aMalformedFileStopsTheStartWith78NamingItAndLeavesItAlone() throws Exception {
        JarProcess.writeConfig(directory, "web_server:\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        String yaml = "database:\n  port: 5432\nweb_server:\n  port: 8500\n   host: [oops\n";
        Files.writeString(directory.resolve("config/config.yaml"), yaml);
        try (JarProcess server = JarProcess.start(directory, Map.of())) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(78);
            assertThat(server.output()).contains("config/config.yaml is not valid YAML, at line 5, column 8")
                .doesNotContain("\tat ");
        }
        JarProcess shown = JarProcess.ports(directory, "show-config");
        assertThat(shown.awaitExit(Duration.ofSeconds(60))).isEqualTo(78);
        assertThat(shown.output()).contains("config/config.yaml is not valid YAML, at line 5, column 8");
        assertThat(Files.readString(directory.resolve("config/config.yaml"))).isEqualTo(yaml);
    }

}
