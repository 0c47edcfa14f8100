package com.virtuoso.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.HeldRequest;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.LoopbackClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The port monitor stops watching as the close begins: Spring Boot's graceful shutdown closes the
 * listeners while requests in flight drain, and the server's own ports are not lost then.
 */
@ExtendWith(OutputCaptureExtension.class)
class PortMonitorShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path state;

    @Test
    void aGracefulShutdownDrainingARequestIsNotReportedAsALostListener(CapturedOutput output) throws Exception {
        InProcessServer server = InProcessServer.start(state, List.of(HeldRequest.class),
                "--web_server.port=" + FreePorts.pick(), "--web_server.monitor.interval=100ms",
                "--spring.lifecycle.timeout-per-shutdown-phase=120s");
        HeldRequest held = server.context().getBean(HeldRequest.class);
        CompletableFuture<Void> stop = null;
        try {
            CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
                .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/held")).build(),
                        HttpResponse.BodyHandlers.ofString());
            assertThat(held.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            stop = CompletableFuture.runAsync(server::close);
            int port = server.port();
            await().atMost(WAIT).until(() -> !LoopbackClient.accepts(port)); // the drain has closed the listener
            // ten checks' worth of drain
            await().during(Duration.ofSeconds(1)).atMost(WAIT)
                .until(() -> !output.getAll().contains("no longer listens"));
            assertThat(stop).isNotDone();

            held.release.countDown();
            assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo("served");
            stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(output.getAll()).doesNotContain("no longer listens");
        }
        finally {
            held.release.countDown();
            if (stop == null) {
                server.close();
            }
        }
    }

}
