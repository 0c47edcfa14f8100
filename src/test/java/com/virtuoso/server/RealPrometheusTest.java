package com.virtuoso.server;

import java.io.File;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (the {@code prometheus} binary, run by the test itself, not the system
 * service) finds the server through its target file: on the fallback port after a fall back, and
 * on the primary once the monitor reclaimed it. Skipped, with a message, where no
 * {@code prometheus} is on the PATH; with {@code VIRTUOSO_REQUIRE_PROMETHEUS=1}, as
 * {@code run-tests.sh} sets it, a missing binary fails the test instead.
 */
class RealPrometheusTest {

    /** Prometheus hands discovered targets to its scrapers every 5 s; a loaded machine adds to that. */
    private static final Duration DISCOVERY = Duration.ofSeconds(60);

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path directory;

    @Test
    void prometheusScrapesTheServerOnItsFallbackPortThenOnTheReclaimedPrimary() throws Exception {
        Path binary = prometheus();
        long began = System.nanoTime();
        List<Integer> ports = FreePorts.pick(3);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        int prometheusPort = ports.get(2);
        Path targets = directory.resolve("targets");
        Files.createDirectory(targets);
        ServerSocket holder = new ServerSocket();
        holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), primary));
        Process prometheus = startPrometheus(binary, targets, prometheusPort);
        try (InProcessServer server = InProcessServer.start(directory.resolve("state"),
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                "--web_server.prometheus_targets_dir=" + targets, "--web_server.reclaim=true",
                "--web_server.monitor.interval=300ms", "--web_server.reclaim_release_fallback_after=2s")) {
            assertThat(server.port()).isEqualTo(fallback);
            JsonNode target = awaitTargetUp(prometheus, prometheusPort, fallback);
            assertThat(target.get("labels").get("fell_back").asString()).isEqualTo("true");
            assertThat(target.get("labels").get("primary_port").asString()).isEqualTo(Integer.toString(primary));
            assertThat(target.get("scrapeUrl").asString())
                .isEqualTo("http://127.0.0.1:" + fallback + "/actuator/prometheus");
            long fallbackUp = System.nanoTime();

            holder.close();
            JsonNode moved = awaitTargetUp(prometheus, prometheusPort, primary);
            assertThat(moved.get("labels").get("fell_back").asString()).isEqualTo("false");
            await().atMost(DISCOVERY).until(() -> activeTargets(prometheusPort).size() == 1);
            long primaryUp = System.nanoTime();
            System.out.printf("Prometheus scraped the fallback port %d ms after the test began, the reclaimed "
                    + "primary %d ms after the primary was freed%n", (fallbackUp - began) / 1_000_000,
                    (primaryUp - fallbackUp) / 1_000_000);
        }
        finally {
            holder.close();
            stop(prometheus);
        }
    }

    /** The prometheus binary on the PATH; the test is skipped without one, unless it is required. */
    private static Path prometheus() {
        Optional<Path> binary = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter((entry) -> !entry.isEmpty())
            .map((entry) -> Path.of(entry, "prometheus"))
            .filter(Files::isExecutable)
            .findFirst();
        if (binary.isEmpty()) {
            assertThat(System.getenv("VIRTUOSO_REQUIRE_PROMETHEUS"))
                .as("VIRTUOSO_REQUIRE_PROMETHEUS=1 requires a prometheus binary on the PATH (apt-get install prometheus)")
                .isNotEqualTo("1");
            Assumptions.abort("Skipped: no prometheus binary on the PATH (apt-get install prometheus, or run "
                    + "run-tests.sh, which installs it)");
        }
        return binary.get();
    }

    private Process startPrometheus(Path binary, Path targets, int port) throws Exception {
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: virtuoso
                    metrics_path: /actuator/prometheus
                    file_sd_configs:
                      - files: ["%s/*.json"]
                """.formatted(targets));
        return new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("prometheus.log").toFile())
            .start();
    }

    /** The target Prometheus scrapes at {@code 127.0.0.1:port}, once its last scrape succeeded. */
    private JsonNode awaitTargetUp(Process prometheus, int prometheusPort, int port) throws Exception {
        String instance = "127.0.0.1:" + port;
        await().atMost(DISCOVERY)
            .pollInterval(Duration.ofMillis(200))
            .failFast("prometheus exited; see its log " + directory.resolve("prometheus.log"),
                    () -> !prometheus.isAlive())
            .ignoreExceptions()
            .until(() -> find(activeTargets(prometheusPort), instance)
                .filter((target) -> target.get("health").asString().equals("up"))
                .isPresent());
        return find(activeTargets(prometheusPort), instance).orElseThrow();
    }

    private static Optional<JsonNode> find(List<JsonNode> targets, String instance) {
        return targets.stream().filter((target) -> target.get("labels").get("instance").asString().equals(instance))
            .findFirst();
    }

    private static List<JsonNode> activeTargets(int prometheusPort) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/targets?state=active"))
            .timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode targets = JsonMapper.shared().readTree(response.body()).get("data").get("activeTargets");
        return targets.valueStream().toList();
    }

    /** Stops the Prometheus this test started, and no other. */
    private static void stop(Process prometheus) throws InterruptedException {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
            prometheus.destroyForcibly();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

}
