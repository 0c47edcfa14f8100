package com.virtuoso.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import com.virtuoso.history.ConflictHistory;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The server on real sockets: Tomcat binds through the fallback, the endpoint, health and info
 * tell what happened, and the history keeps it.
 */
@ExtendWith(OutputCaptureExtension.class)
class PortFallbackServerTest {

    @TempDir
    Path state;

    @Test
    void aFreePrimaryIsUsedAndTheEndpointSaysSo() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                "--web_server.fallback_ports=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(0));
            JsonNode report = server.getJson("/actuator/ports");
            assertThat(report.get("host").asString()).isEqualTo("127.0.0.1");
            assertThat(report.get("primaryPort").asInt()).isEqualTo(ports.get(0));
            assertThat(report.get("activePort").asInt()).isEqualTo(ports.get(0));
            assertThat(report.get("fellBack").asBoolean()).isFalse();
            assertThat(report.get("autoFallback").asBoolean()).isTrue();
            assertThat(report.get("fallbackPorts").get(0).asInt()).isEqualTo(ports.get(1));
            assertThat(report.get("attempts")).hasSize(1);
            assertThat(report.get("attempts").get(0).get("outcome").asString()).isEqualTo("BOUND");
            assertThat(report.get("attempts").get(0).get("at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(report.get("history")).isEmpty();
            JsonNode health = server.getJson("/actuator/health").get("components").get("ports");
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("details").get("activePort").asInt()).isEqualTo(ports.get(0));
            assertThat(health.get("details").get("fellBack").asBoolean()).isFalse();
            assertThat(server.getJson("/actuator/info").get("ports").get("activePort").asInt()).isEqualTo(ports.get(0));
        }
    }

    @Test
    void aTakenPrimaryFallsBackNamesTheHolderAndRecordsIt(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.fallback_ports=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            assertThat(output).contains("Port " + ports.get(0) + " is in use by PID " + holder.pid() + " (")
                .contains("; trying " + ports.get(1))
                .contains("Virtuoso listening on http://127.0.0.1:" + ports.get(1) + " (fell back from " + ports.get(0) + ")");
            JsonNode report = server.getJson("/actuator/ports");
            assertThat(report.get("activePort").asInt()).isEqualTo(ports.get(1));
            assertThat(report.get("fellBack").asBoolean()).isTrue();
            JsonNode conflict = report.get("attempts").get(0);
            assertThat(conflict.get("outcome").asString()).isEqualTo("IN_USE");
            assertThat(conflict.get("holder").get("pid").asLong()).isEqualTo(holder.pid());
            assertThat(conflict.get("holder").get("user").asString()).isEqualTo(System.getProperty("user.name"));
            assertThat(conflict.get("holder").get("command").asString()).contains("ListenerMain");
            assertThat(report.get("attempts").get(1).get("outcome").asString()).isEqualTo("BOUND");
            JsonNode history = report.get("history").get(0);
            assertThat(history.get("result").asString()).isEqualTo("FELL_BACK");
            assertThat(history.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(history.get("activePort").asInt()).isEqualTo(ports.get(1));
            assertThat(server.getJson("/actuator/health").get("components").get("ports").get("details")
                .get("fellBack").asBoolean()).isTrue();
        }
    }

    @Test
    void metricsTellTheActivePortTheConflictsAndTheSelectionTime() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.fallback_ports=" + ports.get(1))) {
            String scrape = server.get("/actuator/prometheus");
            assertThat(scrape).contains("virtuoso_ports_active{primary=\"" + ports.get(0) + "\"} " + ports.get(1) + ".0")
                .contains("virtuoso_ports_conflicts_total{outcome=\"IN_USE\"} 1.0")
                .contains("virtuoso_ports_conflicts_total{outcome=\"PERMISSION_DENIED\"} 0.0")
                .contains("virtuoso_ports_conflicts_total{outcome=\"UNKNOWN\"} 0.0")
                .contains("virtuoso_ports_fallbacks_total 1.0");
            assertThat(scrape).containsPattern("virtuoso_ports_selection_seconds [0-9.E-]+");
            double seconds = server.getJson("/actuator/metrics/virtuoso.ports.selection")
                .get("measurements").get(0).get("value").asDouble();
            assertThat(seconds).isPositive().isLessThan(10);
        }
    }

    @Test
    void additionalPortsListenTooAndATakenOneIsSkipped(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(3);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(2));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.timeout_keep_alive=7",
                        "--web_server.additional_ports=" + ports.get(1) + "," + ports.get(2))) {
            assertThat(server.port()).isEqualTo(ports.get(0));
            JsonNode additional = server.getJson("/actuator/ports").get("additionalPorts");
            assertThat(additional).hasSize(2);
            assertThat(additional.get(0).get("port").asInt()).isEqualTo(ports.get(1));
            assertThat(additional.get(0).get("outcome").asString()).isEqualTo("BOUND");
            assertThat(additional.get(1).get("outcome").asString()).isEqualTo("IN_USE");
            assertThat(additional.get(1).get("holder").get("pid").asLong()).isEqualTo(holder.pid());
            assertThat(output).contains("Additional port " + ports.get(2) + " is in use by PID " + holder.pid());
            HttpResponse<String> extra = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(1) + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
            assertThat(extra.statusCode()).isEqualTo(200);
            TomcatWebServer tomcat = (TomcatWebServer) ((WebServerApplicationContext) server.context()).getWebServer();
            assertThat(tomcat.getTomcat().getService().findConnectors())
                .allSatisfy((connector) -> assertThat(connector.getProperty("keepAliveTimeout")).isEqualTo(7000));
        }
    }

    @Test
    void zeroAsALastResortLetsTheOsPickAPort() throws Exception {
        int primary = FreePorts.pick();
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                        "--web_server.fallback_ports=0")) {
            assertThat(server.port()).isPositive().isNotEqualTo(primary);
            JsonNode report = server.getJson("/actuator/ports");
            assertThat(report.get("activePort").asInt()).isEqualTo(server.port());
            assertThat(report.get("attempts").get(1).get("port").asInt()).isZero();
            assertThat(report.get("attempts").get(1).get("outcome").asString()).isEqualTo("BOUND");
        }
    }

    @Test
    void severalTakenPortsAreSkippedInOrder() throws Exception {
        List<Integer> ports = FreePorts.pick(4);
        try (ListenerProcess first = ListenerProcess.start("127.0.0.1", ports.get(0));
                ListenerProcess second = ListenerProcess.start("127.0.0.1", ports.get(1));
                ListenerProcess third = ListenerProcess.start("127.0.0.1", ports.get(2));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.fallback_ports=" + ports.get(1) + "," + ports.get(2) + "," + ports.get(3))) {
            assertThat(server.port()).isEqualTo(ports.get(3));
            JsonNode attempts = server.getJson("/actuator/ports").get("attempts");
            assertThat(attempts).hasSize(4);
            assertThat(attempts.get(2).get("holder").get("pid").asLong()).isEqualTo(third.pid());
        }
    }

    @Test
    void everyPortTakenFailsWithTheHoldersAndTheFixes(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess first = ListenerProcess.start("127.0.0.1", ports.get(0));
                ListenerProcess second = ListenerProcess.start("127.0.0.1", ports.get(1))) {
            Throwable failure = catchThrowable(() -> InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                    "--web_server.fallback_ports=" + ports.get(1)));
            assertThat(StartupExitCodes.of(failure)).isEqualTo(75);
            assertThat(output).contains("All ports exhausted. Tried: [" + ports.get(0) + ", " + ports.get(1) + "]")
                .containsPattern(ports.get(0) + "\\s+in use by PID " + first.pid())
                .containsPattern(ports.get(1) + "\\s+in use by PID " + second.pid())
                .contains("Solutions:")
                .contains("ports kill " + ports.get(0))
                .contains("ports find-available " + ports.get(0))
                .contains("3. Move to a free port:").contains(" ports update-config PORT")
                .doesNotContain("Application run failed");
            assertThat(new ConflictHistory(StateDirectory.open(state), 100).newestFirst().get(0).result().name()).isEqualTo("EXHAUSTED");
        }
    }

    @Test
    void strictModeFailsOnATakenPrimaryEvenWithFreeFallbacks(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            Throwable failure = catchThrowable(() -> InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                    "--web_server.fallback_ports=" + ports.get(1), "--web_server.auto_fallback=false"));
            assertThat(StartupExitCodes.of(failure)).isEqualTo(75);
            assertThat(output).contains("web_server.auto_fallback is false (strict mode). Tried: [" + ports.get(0) + "]")
                .doesNotContain("trying " + ports.get(1));
            assertThat(new ConflictHistory(StateDirectory.open(state), 100).newestFirst().get(0).result().name())
                .isEqualTo("CONFLICT_STRICT");
        }
    }

    @Test
    void aPortTakenAfterStartupChecksAndBeforeTheBindDoesNotCrashTheStart() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (InProcessServer server = InProcessServer.start(state, List.of(PortGrabber.class),
                "--" + PortGrabber.PORT + "=" + ports.get(0), "--web_server.port=" + ports.get(0),
                "--web_server.fallback_ports=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            JsonNode conflict = server.getJson("/actuator/ports").get("attempts").get(0);
            assertThat(conflict.get("outcome").asString()).isEqualTo("IN_USE");
            assertThat(conflict.get("holder").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aHolderOnIpv6LoopbackBlocksAServerOnIpv6Loopback() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("::1", ports.get(0));
                InProcessServer server = InProcessServer.start(state, "--web_server.host=::1",
                        "--web_server.port=" + ports.get(0), "--web_server.fallback_ports=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            JsonNode report = server.getJson("/actuator/ports");
            assertThat(report.get("attempts").get(0).get("holder").get("pid").asLong()).isEqualTo(holder.pid());
        }
    }

    @Test
    void historyIsKeptAcrossStartsAndSurvivesATornLine() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            InProcessServer.start(state, "--web_server.port=" + ports.get(0), "--web_server.fallback_ports=" + ports.get(1))
                .close();
            Files.writeString(state.resolve(ConflictHistory.FILE_NAME), "{\"at\":\"2026-", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            catchThrowable(() -> InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                    "--web_server.auto_fallback=false"));
        }
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0))) {
            JsonNode history = server.getJson("/actuator/ports").get("history");
            assertThat(history).hasSize(2);
            assertThat(history.get(0).get("result").asString()).isEqualTo("CONFLICT_STRICT");
            assertThat(history.get(1).get("result").asString()).isEqualTo("FELL_BACK");
            assertThat(history.get(1).get("attempts").get(0).get("port").asInt()).isEqualTo(ports.get(0));
        }
    }

    @Test
    void springsServerPortOverridesWebServerPort() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                "--server.port=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            assertThat(server.getJson("/actuator/ports").get("primaryPort").asInt()).isEqualTo(ports.get(1));
        }
    }

    @Test
    void kebabCaseKeysWorkOnTheCommandLineToo() throws Exception {
        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(state, "--web-server.port=" + port)) {
            assertThat(server.port()).isEqualTo(port);
        }
    }

    @Test
    void theRunningServerIsRegisteredUntilItStops() throws Exception {
        int port = FreePorts.pick();
        Path instance = state.resolve("instances/" + ProcessHandle.current().pid() + ".json");
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + port)) {
            assertThat(Files.readString(instance)).contains("\"port\":" + port, "\"host\":\"127.0.0.1\"");
        }
        assertThat(instance).doesNotExist();
    }

    /** Takes the primary port right before the web server binds, after every bean was created. */
    @Configuration(proxyBeanMethods = false)
    static class PortGrabber {

        static final String PORT = "test.grab-port";

        @Bean
        SmartLifecycle portGrabber(Environment environment) {
            return new SmartLifecycle() {

                private ServerSocket socket;

                @Override
                public void start() {
                    try {
                        socket = new ServerSocket();
                        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                                environment.getRequiredProperty(PORT, Integer.class)));
                    }
                    catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }

                @Override
                public void stop() {
                    try {
                        socket.close();
                    }
                    catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }

                @Override
                public boolean isRunning() {
                    return socket != null && !socket.isClosed();
                }

                @Override
                public int getPhase() {
                    return Integer.MIN_VALUE; // before the web server's own lifecycle binds
                }

            };
        }

    }

}
