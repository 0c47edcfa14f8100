package com.virtuoso.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.testing.FakeDockerEngine;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server on a primary port held by {@code docker-proxy} (a listener this test starts
 * under that name), with {@code DOCKER_HOST} naming an engine that answers as Docker 20.10 did
 * for a container {@code vt-manual}: the start log, {@code /actuator/ports} and the failure
 * analysis name the container.
 */
class PublishedPortIT {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String CONTAINER = "Docker container vt-manual (4d7ac333d3d4), published through docker-proxy";

    @TempDir
    Path directory;

    @Test
    void theStartLogAndActuatorPortsNameTheContainerThatPublishesThePrimary() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + ports.get(0)
                + "\n  fallback_ports: [" + ports.get(1) + "]\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "published.http",
                ports.get(0));
                ListenerProcess proxy = dockerProxy(ports.get(0));
                JarProcess server = JarProcess.start(directory, Map.of("DOCKER_HOST", "unix://" + engine.socket()))) {
            assertThat(server.awaitListening()).isEqualTo(ports.get(1));
            assertThat(server.output()).contains("Port " + ports.get(0) + " is in use by " + CONTAINER + " PID "
                    + proxy.pid() + "; trying " + ports.get(1));
            JsonNode attempt = JsonMapper.shared()
                .readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(1)
                        + "/actuator/ports")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("attempts")
                .get(0);
            assertThat(attempt.get("detail").asString()).isEqualTo("in use by " + CONTAINER + " PID " + proxy.pid());
            assertThat(attempt.get("holder").get("pid").asLong()).isEqualTo(proxy.pid());
            assertThat(proxy.isAlive()).isTrue();
        }
    }

    @Test
    void aStrictStartOnAPublishedPortIsToldToStopTheContainer() throws Exception {
        int port = FreePorts.pick();
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port
                + "\n  auto_fallback: false\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "published.http",
                port);
                ListenerProcess proxy = dockerProxy(port);
                JarProcess server = JarProcess.start(directory, Map.of("DOCKER_HOST", "unix://" + engine.socket()))) {
            assertThat(server.awaitExit(Duration.ofSeconds(120))).isEqualTo(75);
            assertThat(server.output()).contains(port + "  in use by " + CONTAINER + " PID " + proxy.pid())
                .contains("1. Stop the container that publishes port " + port + ": docker stop vt-manual")
                .doesNotContain("ports kill " + port);
            assertThat(proxy.isAlive()).isTrue();
        }
    }

    private ListenerProcess dockerProxy(int port) throws Exception {
        return ListenerProcess.startAs("docker-proxy", Files.createDirectories(directory.resolve("bin")), "127.0.0.1",
                port);
    }

}
