package com.virtuoso.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In a container, a server off its primary port is not ready (a port mapping forwards the primary
 * port only) until the monitor moves it back; liveness never changes. Outside one, a fall back
 * leaves readiness alone.
 */
class ContainerReadinessTest {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path state;

    @Test
    void inAContainerAFallBackRefusesTrafficUntilThePrimaryIsBack() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.in_container=true",
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback, "--web_server.reclaim=true",
                "--web_server.monitor.interval=300ms", "--web_server.reclaim_release_fallback_after=1s")) {
            assertThat(server.port()).isEqualTo(fallback);
            assertThat(status(fallback, "/actuator/health/readiness")).isEqualTo(503);
            assertThat(status(fallback, "/actuator/health/liveness")).isEqualTo(200);
            assertThat(server.getJson("/actuator/ports").get("container").asString()).isNotBlank();

            holder.close();
            // not listening on the primary until the monitor reclaims it, and ready from then on
            await().atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> status(primary, "/actuator/health/readiness") == 200);
            assertThat(status(primary, "/actuator/health/liveness")).isEqualTo(200);
        }
        finally {
            holder.close();
        }
    }

    @Test
    void outsideAContainerAFallBackStaysReady() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                InProcessServer server = InProcessServer.start(state, "--web_server.in_container=false",
                        "--web_server.port=" + ports.get(0), "--web_server.fallback_ports=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            assertThat(status(ports.get(1), "/actuator/health/readiness")).isEqualTo(200);
            assertThat(server.getJson("/actuator/ports").get("container").isNull()).isTrue();
        }
    }

    private static int status(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
