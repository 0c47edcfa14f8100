package com.virtuoso.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The port monitor on real sockets: reclaiming a freed primary port without a restart, releasing
 * the fallback after its drain period, and health going DOWN when a listener is lost.
 */
class PortMonitorTest {

    private static final Duration INTERVAL = Duration.ofMillis(300);

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path state;

    @Test
    void aFreedPrimaryIsReclaimedWithoutARestartAndTheFallbackReleased() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                "--web_server.fallback_ports=" + fallback, "--web_server.reclaim=true",
                "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms",
                "--web_server.reclaim_release_fallback_after=2s")) {
            assertThat(server.port()).isEqualTo(fallback);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.getJson("/actuator/ports")
                .get("monitor")
                .get("primaryHolder")
                .path("pid")
                .asLong() == holder.pid());
            holder.close();
            long freed = System.nanoTime();
            await().atMost(INTERVAL.plusSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> answers(primary));
            Duration reclaimedAfter = Duration.ofNanos(System.nanoTime() - freed);
            System.out.println("primary port answered " + reclaimedAfter.toMillis() + " ms after it was freed (goal: "
                    + INTERVAL.plusSeconds(1).toMillis() + " ms)");

            JsonNode report = server.getJson("/actuator/ports");
            assertThat(report.get("reclaimedPort").asInt()).isEqualTo(primary);
            assertThat(report.get("activePorts")).extracting(JsonNode::asInt).containsExactly(primary, fallback);
            JsonNode health = server.getJson("/actuator/health").get("components").get("ports");
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("details").get("fellBack").asBoolean()).isFalse();
            assertThat(server.get("/actuator/prometheus")).contains("virtuoso_ports_reclaims_total 1.0")
                .contains("virtuoso_ports_reclaimed " + primary + ".0");

            // the fallback listener closes after its drain period; the primary stays
            await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(fallback));
            assertThat(answers(primary)).isTrue();
            Path instance = state.resolve("instances/" + ProcessHandle.current().pid() + ".json");
            await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(instance).contains("\"port\":" + primary + ","));
        }
    }

    @Test
    void healthGoesDownWhenTheServerLosesItsListener() throws Exception {
        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + port,
                "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms")) {
            PortsHealthIndicator health = server.context().getBean(PortsHealthIndicator.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.context().getBean(PortMonitor.class)
                .state()
                .checkedAt() != null);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            TomcatWebServer tomcat = (TomcatWebServer) ((WebServerApplicationContext) server.context()).getWebServer();
            tomcat.getTomcat().getConnector().getProtocolHandler().closeServerSocketGraceful();
            await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.DOWN));
            assertThat(health.health().getDetails().get("notListeningOn")).isEqualTo(List.of(port));
        }
    }

    private static boolean answers(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

}
