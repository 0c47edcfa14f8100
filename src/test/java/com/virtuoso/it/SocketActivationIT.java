package com.virtuoso.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.testing.JarProcess;
import com.virtuoso.testing.SocketHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar under socket activation, without systemd: {@code socket-holder.py} holds the
 * listening socket, as the service manager does, and starts and restarts the server on it.
 */
class SocketActivationIT {

    private static final Duration POLL = Duration.ofMillis(10);

    private static final Pattern LISTENING = Pattern.compile("Virtuoso listening on");

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path directory;

    @Test
    void aClientPollingAcrossRestartsOnTheHeldSocketSeesNoFailedRequest() throws Exception {
        writeConfig();
        try (SocketHolder holder = SocketHolder.start(directory); HealthPoller poller = new HealthPoller(holder.port())) {
            awaitServers(holder, 1);
            poller.start();
            for (int restart = 1; restart <= 2; restart++) {
                poller.awaitSucceeded(poller.succeeded() + 20);
                long before = holder.serverPid();
                assertThat(holder.restart()).as("exit code of the server stopped by SIGTERM").isEqualTo(143);
                assertThat(holder.serverPid()).isNotEqualTo(before);
                awaitServers(holder, restart + 1);
                poller.awaitSucceeded(poller.succeeded() + 20);
            }
            poller.stop();
            System.out.println("Socket activation: " + poller.succeeded() + " requests over 2 restarts, "
                    + poller.failures().size() + " failed, statuses " + poller.statuses() + ", longest request "
                    + poller.longest().toMillis() + " ms (the restart gap as the client saw it)");
            assertThat(poller.failures()).isEmpty();
            assertThat(poller.statuses()).containsOnlyKeys(200);
            assertThat(holder.output()).doesNotContain("Socket accept failed").doesNotContain("\tat ");
        }
    }

    @Test
    void portsShowsInheritedAndThePortManagerPointsAtTheServiceManager() throws Exception {
        writeConfig();
        try (SocketHolder holder = SocketHolder.start(directory)) {
            int port = holder.port();
            awaitServers(holder, 1);

            JsonNode ports = JsonMapper.shared().readTree(get(port, "/actuator/ports").body());
            assertThat(ports.get("primaryPort").asInt()).isEqualTo(port);
            assertThat(ports.get("activePort").asInt()).isEqualTo(port);
            assertThat(ports.get("fellBack").asBoolean()).isFalse();
            assertThat(ports.get("attempts")).hasSize(1);
            assertThat(ports.get("attempts").get(0).get("outcome").asString()).isEqualTo("INHERITED");
            assertThat(ports.get("inheritedSocket").get("port").asInt()).isEqualTo(port);
            assertThat(ports.get("inheritedSocket").get("source").asString()).isEqualTo("LISTEN_FDS");
            assertThat(ports.get("monitor").get("reclaimedPort").isNull()).isTrue();
            assertThat(get(port, "/actuator/prometheus").body()).contains("virtuoso_ports_inherited 1.0")
                .doesNotContain("outcome=\"INHERITED\"");

            JarProcess check = JarProcess.ports(directory, "check", Integer.toString(port));
            assertThat(check.awaitExit(Duration.ofSeconds(60))).isOne();
            assertThat(check.output()).contains("PID " + holder.serverPid())
                .contains("Held through socket activation: PID " + holder.serverPid() + " is a Virtuoso server")
                .contains("To free it: systemctl stop virtuoso.socket virtuoso.service");

            long server = holder.serverPid();
            JarProcess kill = JarProcess.ports(directory, "kill", Integer.toString(port), "--yes");
            assertThat(kill.awaitExit(Duration.ofSeconds(60))).isEqualTo(77);
            assertThat(kill.output()).contains("Refused: PID " + server + " is a Virtuoso server")
                .contains("systemctl stop virtuoso.socket virtuoso.service");
            assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).hasValue(true);
            assertThat(ProcessHandle.of(holder.holderPid()).map(ProcessHandle::isAlive)).hasValue(true);

            // the port manager reads the port from the config: point it at the held one
            JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port
                    + "\n  state_dir: \"" + directory.resolve("state") + "\"\n");
            JarProcess fix = JarProcess.ports(directory, "auto-fix", "--yes");
            assertThat(fix.awaitExit(Duration.ofSeconds(60))).isEqualTo(77);
            assertThat(fix.output()).contains("Port " + port + " is held through socket activation")
                .contains("systemctl stop virtuoso.socket virtuoso.service");
            assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).hasValue(true);
            assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aListeningSocketOnStandardInputWithoutVariablesIsServedAsStandardInputSocketUnitsGiveIt() throws Exception {
        writeConfig();
        try (SocketHolder holder = SocketHolder.start(directory, "--standard-input")) {
            awaitServers(holder, 1);
            JsonNode ports = JsonMapper.shared().readTree(get(holder.port(), "/actuator/ports").body());
            assertThat(ports.get("attempts").get(0).get("outcome").asString()).isEqualTo("INHERITED");
            assertThat(ports.get("inheritedSocket").get("source").asString()).isEqualTo("STANDARD_INPUT");
        }
    }

    @Test
    void theLauncherTakesTheSocketOnFd3AsSystemdHandsItOver() throws Exception {
        writeConfig();
        // an unusable cache directory: a plain start, without the training runs of a first launch
        Map<String, String> environment = Map.of("VIRTUOSO_JAR", JarProcess.jar(), "VIRTUOSO_CACHE_DIR",
                "/dev/null/virtuoso-cache");
        try (SocketHolder holder = SocketHolder.start(directory, environment, List.of("--fd3-only"),
                List.of(Path.of("bin/virtuoso").toAbsolutePath().toString()))) {
            awaitServers(holder, 1);
            JsonNode ports = JsonMapper.shared().readTree(get(holder.port(), "/actuator/ports").body());
            assertThat(ports.get("attempts").get(0).get("outcome").asString()).isEqualTo("INHERITED");
            assertThat(ports.get("inheritedSocket").get("source").asString()).isEqualTo("LISTEN_FDS");
            // LISTEN_PID is the holder's child, the shell: served only because exec kept that PID for the JVM
        }
    }

    @Test
    void javaWithoutTheLauncherGetsTheSocketOnFd3OnlyAndStopsNamingTheFix() throws Exception {
        writeConfig();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (SocketHolder holder = SocketHolder.start(directory, Map.of(), List.of("--fd3-only"),
                List.of(java, "-jar", JarProcess.jar()))) {
            assertThat(holder.awaitExit()).isEqualTo(78);
            assertThat(holder.output()).contains("LISTEN_FDS=1").doesNotContain("Virtuoso listening");
        }
    }

    @Test
    void twoSocketsFailTheStartWithExitCode78NamingTheFix() throws Exception {
        writeConfig();
        try (SocketHolder holder = SocketHolder.start(directory, "--listen-fds", "2")) {
            assertThat(holder.awaitExit()).isEqualTo(78);
            assertThat(holder.output()).contains("handed over 2 sockets (LISTEN_FDS=2)")
                .contains("Keep one ListenStream= in the socket unit")
                .doesNotContain("Virtuoso listening");
        }
    }

    private void writeConfig() throws IOException {
        // the configured port is not bound: the socket decides
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: 0\n  state_dir: \""
                + directory.resolve("state") + "\"\n");
    }

    private static void awaitServers(SocketHolder holder, int started) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Matcher listening = LISTENING.matcher(holder.output());
            int count = 0;
            while (listening.find()) {
                count++;
            }
            return count >= started;
        });
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * GET /actuator/health every 10 ms, each on a new connection as a client that does not keep
     * connections open: a restart shows as a request that waits, or as one that fails.
     */
    private static final class HealthPoller implements AutoCloseable {

        private final InetSocketAddress address;

        private final AtomicBoolean running = new AtomicBoolean(true);

        private final AtomicInteger succeeded = new AtomicInteger();

        private final AtomicLong longestNanos = new AtomicLong();

        private final List<String> failures = new CopyOnWriteArrayList<>();

        private final ConcurrentHashMap<Integer, Integer> statuses = new ConcurrentHashMap<>();

        private final Thread thread = new Thread(this::poll, "health-poller");

        HealthPoller(int port) {
            this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }

        void start() {
            thread.start();
        }

        int succeeded() {
            return succeeded.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        java.util.Map<Integer, Integer> statuses() {
            return java.util.Map.copyOf(statuses);
        }

        Duration longest() {
            return Duration.ofNanos(longestNanos.get());
        }

        void awaitSucceeded(int count) {
            await().atMost(Duration.ofSeconds(120)).until(() -> succeeded.get() >= count || !thread.isAlive());
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(Duration.ofSeconds(60).toMillis());
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }

        private void poll() {
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    int status = request();
                    statuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        succeeded.incrementAndGet();
                    }
                }
                catch (IOException ex) {
                    failures.add(ex.toString());
                }
                long took = System.nanoTime() - start;
                longestNanos.accumulateAndGet(took, Math::max);
                LockSupport.parkNanos(POLL.toNanos() - Math.min(took, POLL.toNanos()));
            }
        }

        /** The status of one GET, on a connection of its own that the server closes after the response. */
        private int request() throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(address, 5_000);
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                if (!response.startsWith("HTTP/1.1 ")) {
                    throw new IOException("no HTTP response, " + response.length() + " bytes: " + response);
                }
                return Integer.parseInt(response.substring(9, 12));
            }
        }

    }

}
