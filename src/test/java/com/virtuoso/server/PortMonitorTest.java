package com.virtuoso.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.apache.catalina.connector.Connector;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;

import com.virtuoso.instances.ServerListening;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;
import com.virtuoso.testing.LoopbackClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The port monitor on real sockets: reclaiming a freed primary port without a restart, releasing
 * the fallback after its drain period (its requests in flight finishing), health going DOWN when a
 * listener is lost and UNKNOWN when the monitor cannot tell, and the monitor surviving failing checks.
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
        try (InProcessServer server = InProcessServer.start(state, List.of(ListeningEvents.class),
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                "--web_server.reclaim=true", "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms",
                "--web_server.reclaim_release_fallback_after=2s")) {
            assertThat(server.port()).isEqualTo(fallback);
            ListeningEvents listening = server.context().getBean(ListeningEvents.class);
            assertThat(listening.events()).singleElement().satisfies((event) -> {
                assertThat(event.instance().port()).isEqualTo(fallback);
                assertThat(event.fellBack()).isTrue();
            });
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
            await().atMost(Duration.ofSeconds(10)).until(() -> !LoopbackClient.accepts(fallback));
            assertThat(answers(primary)).isTrue();
            Path instance = state.resolve("instances/" + ProcessHandle.current().pid() + ".json");
            await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(instance).contains("\"port\":" + primary + ","));
            // what tells clients where the server is hears it too
            assertThat(listening.events()).last().satisfies((event) -> {
                assertThat(event.instance().port()).isEqualTo(primary);
                assertThat(event.fellBack()).isFalse();
            });
        }
    }

    /** Every {@link ServerListening} the server published. */
    static class ListeningEvents {

        private final List<ServerListening> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ServerListening event) {
            events.add(event);
        }

        List<ServerListening> events() {
            return events;
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

    @Test
    void theMonitorSurvivesFailingChecksAndReportsUnknownNotDown() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (InProcessServer server = InProcessServer.start(state, List.of(FaultyProbes.class),
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                "--web_server.reclaim=true", "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms")) {
            PortMonitor monitor = server.context().getBean(PortMonitor.class);
            PortsHealthIndicator health = server.context().getBean(PortsHealthIndicator.class);
            FaultyProbes probes = server.context().getBean(FaultyProbes.class);
            // every part of every check throws, yet each check still updates the state and the next one runs
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state().checkedAt() != null);
            Instant first = monitor.state().checkedAt();
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state().checkedAt().isAfter(first));
            PortMonitor.State failed = monitor.state();
            assertThat(failed.unknown()).containsExactly(fallback);
            assertThat(failed.missing()).isEmpty();
            assertThat(failed.primaryHolder()).isNull();
            assertThat(failed.primaryHolderUnknown()).contains("failed");
            Health unknown = health.health();
            assertThat(unknown.getStatus()).isEqualTo(Status.UNKNOWN);
            assertThat(unknown.getDetails().get("cannotTellListeningOn")).isEqualTo(List.of(fallback));
            assertThat(server.getJson("/actuator/ports").get("monitor").get("unknown"))
                .extracting(JsonNode::asInt)
                .containsExactly(fallback);

            probes.failing.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state().primaryHolder() != null
                    && monitor.state().primaryHolder().pid() == holder.pid());
            holder.close();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> answers(primary));
        }
        finally {
            holder.close();
        }
    }

    @Test
    void aCheckThatHangsMakesHealthUnknownNotAStaleUp() throws Exception {
        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(state, List.of(FaultyProbes.class),
                "--web_server.port=" + port, "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms")) {
            FaultyProbes probes = server.context().getBean(FaultyProbes.class);
            PortsHealthIndicator health = server.context().getBean(PortsHealthIndicator.class);
            probes.failing.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
            probes.hanging.set(true);
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> health.health().getStatus().equals(Status.UNKNOWN));
                assertThat(health.health().getDetails()).containsKey("monitorLastChecked");
            }
            finally {
                probes.unhang();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
        }
    }

    @Test
    void releasingTheFallbackLetsItsRequestsInFlightFinish() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (InProcessServer server = InProcessServer.start(state, List.of(SlowController.class),
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                "--web_server.reclaim=true", "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms",
                "--web_server.reclaim_release_fallback_after=3s")) {
            assertThat(server.port()).isEqualTo(fallback);
            SlowController slow = server.context().getBean(SlowController.class);
            holder.close();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> answers(primary));

            // a request on the fallback that is still in flight when the release begins
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fallback + SlowController.PATH))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(slow.awaitEntered(10)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !LoopbackClient.accepts(fallback));
            assertThat(inFlight).isNotDone();

            slow.finish();
            HttpResponse<String> response = inFlight.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("finished");
            TomcatWebServer tomcat = (TomcatWebServer) ((WebServerApplicationContext) server.context()).getWebServer();
            await().atMost(Duration.ofSeconds(10))
                .until(() -> Arrays.stream(tomcat.getTomcat().getService().findConnectors())
                    .mapToInt(Connector::getPort)
                    .noneMatch((port) -> port == fallback));
            assertThat(answers(primary)).isTrue();
        }
        finally {
            holder.close();
        }
    }

    @Test
    void aRequestThatOutlastsTheDrainPeriodDoesNotKeepTheFallbackOpen() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (InProcessServer server = InProcessServer.start(state, List.of(SlowController.class),
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                "--web_server.reclaim=true", "--web_server.monitor.interval=" + INTERVAL.toMillis() + "ms",
                "--web_server.reclaim_release_fallback_after=3s")) {
            SlowController slow = server.context().getBean(SlowController.class);
            try {
                holder.close();
                await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> answers(primary));
                CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fallback + SlowController.PATH))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(slow.awaitEntered(10)).isTrue();
                TomcatWebServer tomcat = (TomcatWebServer) ((WebServerApplicationContext) server.context())
                    .getWebServer();
                // the request never finishes on its own: the listener goes anyway, after its drain period
                await().atMost(Duration.ofSeconds(15))
                    .until(() -> Arrays.stream(tomcat.getTomcat().getService().findConnectors())
                        .mapToInt(Connector::getPort)
                        .noneMatch((port) -> port == fallback));
                assertThat(inFlight.isDone() && !inFlight.isCompletedExceptionally()).isFalse();
                assertThat(answers(primary)).isTrue();
                assertThat(server.context().getBean(PortMonitor.class).state().activePorts()).containsExactly(primary);
            }
            finally {
                slow.finish();
            }
        }
        finally {
            holder.close();
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

}
