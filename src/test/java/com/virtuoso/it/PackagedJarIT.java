package com.virtuoso.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar target/virtuoso.jar} as a new user runs it, started in a directory with its
 * own {@code config/application.yaml}.
 */
class PackagedJarIT {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path directory;

    @Test
    void everyPortTakenExitsWith75AndSaysWhatToDo() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        config(ports.get(0), List.of(ports.get(1)), "");
        try (ListenerProcess first = ListenerProcess.start("127.0.0.1", ports.get(0));
                ListenerProcess second = ListenerProcess.start("127.0.0.1", ports.get(1));
                JarProcess server = JarProcess.start(directory, Map.of())) {
            assertThat(server.awaitExit(Duration.ofSeconds(120))).isEqualTo(75);
            String output = server.output();
            assertThat(output).contains("All ports exhausted. Tried: [" + ports.get(0) + ", " + ports.get(1) + "]")
                .containsPattern(ports.get(0) + "\\s+in use by PID " + first.pid() + " \\(.*ListenerMain")
                .containsPattern(ports.get(1) + "\\s+in use by PID " + second.pid() + " \\(.*ListenerMain")
                .contains("Solutions:")
                .contains("java -jar " + JarProcess.jar() + " ports kill " + ports.get(0))
                .contains("java -jar " + JarProcess.jar() + " ports find-available " + ports.get(0))
                .doesNotContain("\tat ");
        }
    }

    @Test
    void anInvalidValueExitsWith78NamingKeyValueAndFix() throws Exception {
        JarProcess.writeConfig(directory, "web_server:\n  state_dir: \"" + directory + "\"\n  port: 70000\n");
        try (JarProcess server = JarProcess.start(directory, Map.of())) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(78);
            assertThat(server.output())
                .contains("web_server.port = \"70000\" (config/application.yaml, line 3, column 9): "
                        + "must be between 0 and 65535")
                .contains("Set web_server.port to a port number from 0 to 65535")
                .doesNotContain("\tat ");
        }
    }

    @Test
    void malformedYamlExitsWith78AndLeavesTheFileAlone() throws Exception {
        String yaml = "web_server:\n  port: 9000\n   host: [oops\n";
        JarProcess.writeConfig(directory, yaml);
        try (JarProcess server = JarProcess.start(directory, Map.of())) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(78);
            assertThat(server.output()).contains("config/application.yaml is not valid YAML, at line 3, column 8")
                .doesNotContain("\tat ");
        }
        assertThat(Files.readString(directory.resolve("config/application.yaml"))).isEqualTo(yaml);
    }

    @Test
    void legacyEnvironmentVariablesStillWorkWithAWarning() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        config(ports.get(0), List.of(), "");
        try (JarProcess server = JarProcess.start(directory,
                Map.of("WEB_SERVER_PORT", Integer.toString(ports.get(1)), "WEB_SERVER_HOST", "127.0.0.1"))) {
            assertThat(server.awaitListening()).isEqualTo(ports.get(1));
            assertThat(server.output())
                .contains("Environment variable WEB_SERVER_PORT is deprecated: set web_server.port in "
                        + "config/application.yaml")
                .contains("Environment variable WEB_SERVER_HOST is deprecated");
        }
    }

    @Test
    void instancesLaunchedAtOnceAllComeUpOnDistinctPortsAndStopCleanly() throws Exception {
        List<Integer> ports = FreePorts.pick(4);
        config(ports.get(0), ports.subList(1, 4), "  reload: true\n  access_log: true\n");
        List<JarProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                servers.add(JarProcess.start(directory, Map.of()));
            }
            List<Integer> listening = new ArrayList<>();
            for (JarProcess server : servers) {
                int port = server.awaitListening();
                listening.add(port);
                // listening comes before ready: readiness (part of health) is OUT_OF_SERVICE until the start ends
                await().atMost(Duration.ofSeconds(60)).until(() -> get(port, "/actuator/health").statusCode() == 200);
                assertThat(Files.exists(directory.resolve("state/instances/" + server.pid() + ".json"))).isTrue();
            }
            assertThat(listening).doesNotHaveDuplicates().allMatch(ports::contains);

            JarProcess first = servers.get(0);
            int firstPort = listening.get(0);
            await().atMost(Duration.ofSeconds(10))
                .until(() -> first.output().contains("\"GET /actuator/health HTTP/1.1\" 200"));
            assertThat(first.output()).contains("web_server.reload is true, but a packaged jar cannot reload itself");

            first.terminate();
            assertThat(first.awaitExit(Duration.ofSeconds(60))).isEqualTo(143); // 128 + SIGTERM, after a clean shutdown
            assertThat(first.output()).contains("Graceful shutdown complete");
            assertThat(directory.resolve("state/instances/" + first.pid() + ".json")).doesNotExist();
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), firstPort));
            }
        }
        finally {
            for (JarProcess server : servers) {
                server.close();
            }
        }
    }

    @Test
    void aFallBackInAContainerIsNotReadyAndSaysWhy() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + ports.get(0)
                + "\n  fallback_ports: [" + ports.get(1) + "]\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        // the variable Podman and systemd-nspawn set; where /.dockerenv exists, that is found first
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                JarProcess server = JarProcess.start(directory, Map.of("container", "podman"))) {
            assertThat(server.awaitListening()).isEqualTo(ports.get(1));
            await().atMost(Duration.ofSeconds(60))
                .until(() -> server.output().contains("Started VirtuosoApplication"));
            assertThat(get(ports.get(1), "/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(get(ports.get(1), "/actuator/health/liveness").statusCode()).isEqualTo(200);
            assertThat(server.output()).contains("Running in a container (")
                .contains("Listening on fallback port " + ports.get(1) + " in a container: a port mapping to "
                        + ports.get(0) + " does not reach it")
                .doesNotContain("\tat ");
        }
    }

    private void config(int port, List<Integer> fallbacks, String more) throws Exception {
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port + "\n  fallback_ports: "
                + fallbacks + "\n  state_dir: \"" + directory.resolve("state") + "\"\n"
                // the same server on every machine: CI runs where /.dockerenv exists, a laptop does not
                + "  in_container: false\n" + more);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

}
