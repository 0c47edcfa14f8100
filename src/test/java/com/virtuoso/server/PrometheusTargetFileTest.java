package com.virtuoso.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.instances.ServerListening;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.targets.PrometheusTargets;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.LoopbackClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server keeps its Prometheus target file: where it serves after a fall back, where it
 * serves once the monitor took the primary port back, gone when it stops; and a start clears what
 * dead servers left.
 */
@ExtendWith(OutputCaptureExtension.class)
class PrometheusTargetFileTest {

    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path state;

    @Test
    void theFileFollowsTheServerFromTheFallbackBackToThePrimaryAndGoesWithIt() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        Path file = state.resolve("prometheus/" + PID + ".json");
        ServerSocket holder = new ServerSocket();
        holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), primary));
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                "--web_server.fallback_ports=" + fallback, "--web_server.reclaim=true",
                "--web_server.monitor.interval=300ms", "--web_server.reclaim_release_fallback_after=3s")) {
            assertThat(server.port()).isEqualTo(fallback);
            assertThat(target(file)).isEqualTo("127.0.0.1:" + fallback);
            assertThat(labels(file).get("fell_back").asString()).isEqualTo("true");
            assertThat(labels(file).get("primary_port").asString()).isEqualTo(Integer.toString(primary));

            holder.close();
            // moved at the reclaim, while the fallback still serves: Prometheus never meets a closed port
            await().atMost(Duration.ofSeconds(10)).until(() -> target(file).equals("127.0.0.1:" + primary));
            assertThat(LoopbackClient.accepts(fallback)).as("the fallback still serves its drain period").isTrue();
            assertThat(labels(file).get("fell_back").asString()).isEqualTo("false");
            await().atMost(Duration.ofSeconds(10)).until(() -> !LoopbackClient.accepts(fallback));
            assertThat(target(file)).isEqualTo("127.0.0.1:" + primary);
        }
        finally {
            holder.close();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aTargetsDirectoryOthersMayWriteToIsWarnedAboutOnceNamingTheFix(CapturedOutput output) throws Exception {
        StateDirectory stateDirectory = StateDirectory.open(state);
        Path shared = Files.createDirectories(state.resolve("shared-targets"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        PrometheusTargetFile file = new PrometheusTargetFile(PrometheusTargets.of(stateDirectory, shared.toString()),
                new InstanceRegistry(stateDirectory));
        InstanceRecord instance = new InstanceRecord(PID, Instant.now(), "127.0.0.1", 8001, 8000, "test", "/", null);
        file.on(new ServerListening(instance));
        file.on(new ServerListening(instance));
        file.destroy();
        String warning = "The Prometheus targets directory " + shared + " is writable by other users (mode 0777)";
        assertThat(output.getAll()).contains(warning).contains("run: chmod go-w " + shared);
        assertThat(output.getAll().split(Pattern.quote(warning), -1)).hasSize(2);
    }

    @Test
    void aStartRemovesTheFilesAndRecordsOfServersThatDiedWithoutCleaningUp() throws Exception {
        StateDirectory stateDirectory = StateDirectory.open(state);
        InstanceRegistry registry = new InstanceRegistry(stateDirectory);
        PrometheusTargets targets = PrometheusTargets.of(stateDirectory, null);
        long killed = deadPid();
        InstanceRecord left = new InstanceRecord(killed, Instant.now().minusSeconds(60), "127.0.0.1", 8001, 8000,
                "test", "/", null);
        registry.register(left);
        targets.write(left);
        long running = ProcessHandle.current().parent().orElseThrow().pid();
        targets.write(new InstanceRecord(running, Instant.now(), "127.0.0.1", 9000, 9000, "test", "/", null));

        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + port)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(targets.fileOf(killed)).doesNotExist();
                assertThat(registry.fileOf(killed)).doesNotExist();
            });
            assertThat(targets.fileOf(running)).exists(); // a running pid this registry does not know: kept
            assertThat(target(targets.fileOf(PID))).isEqualTo("127.0.0.1:" + port);
        }
    }

    @Test
    void theDirectoryIsAKeyOfItsOwn() throws Exception {
        Path stateDir = state.resolve("state");
        Path shared = state.resolve("targets");
        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(stateDir, "--web_server.port=" + port,
                "--web_server.prometheus_targets_dir=" + shared)) {
            assertThat(target(shared.resolve(PID + ".json"))).isEqualTo("127.0.0.1:" + port);
            assertThat(stateDir.resolve("prometheus")).doesNotExist();
        }
        assertThat(shared.resolve(PID + ".json")).doesNotExist();
    }

    private static String target(Path file) throws Exception {
        return group(file).get("targets").get(0).asString();
    }

    private static JsonNode labels(Path file) throws Exception {
        return group(file).get("labels");
    }

    private static JsonNode group(Path file) throws Exception {
        return JsonMapper.shared().readTree(Files.readString(file)).get(0);
    }

    private static long deadPid() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return finished.pid();
    }

}
