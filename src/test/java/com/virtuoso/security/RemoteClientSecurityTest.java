package com.virtuoso.security;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.NetworkNamespace;
import com.virtuoso.testing.NetworkNamespace.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may read the endpoints, tried with a real remote client: curl in a network namespace of
 * the test's own, reaching the server (on 0.0.0.0) over a veth pair, next to clients on loopback.
 */
@ExtendWith(OutputCaptureExtension.class)
class RemoteClientSecurityTest {

    private static final List<String> CLOSED = List.of("/actuator", "/actuator/ports", "/actuator/info",
            "/actuator/metrics", "/actuator/prometheus");

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static NetworkNamespace remote;

    @TempDir
    Path state;

    @BeforeAll
    static void createRemoteClient() throws Exception {
        remote = NetworkNamespace.create();
    }

    @AfterAll
    static void removeRemoteClient() throws Exception {
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void aRemoteClientSeesHealthStatusOnlyOnEveryPortAndLocalClientsSeeEverything(CapturedOutput output)
            throws Exception {
        List<Integer> ports = FreePorts.pick(3);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        int additional = ports.get(2);
        ServerSocket holder = new ServerSocket();
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), primary));
        try (holder;
                InProcessServer server = InProcessServer.start(state, List.of(RemoteAddressEcho.class),
                        "--web_server.host=0.0.0.0", "--web_server.port=" + primary,
                        "--web_server.fallback_ports=" + fallback, "--web_server.additional_ports=" + additional,
                        "--web_server.reclaim=true", "--web_server.monitor.interval=300ms",
                        "--server.forward-headers-strategy=native", "--server.tomcat.remoteip.internal-proxies=.*")) {
            assertThat(server.port()).isEqualTo(fallback);
            for (int port : List.of(fallback, additional)) {
                assertRemoteSeesStatusOnly(port);
                assertRemoteIsRefused(port);
            }
            assertForwardedHeadersDoNotMakeARemoteClientLocal(fallback);
            // this host's own network address is not loopback
            assertThat(status("http://" + remote.hostAddress() + ":" + fallback + "/actuator/ports")).isEqualTo(401);

            JsonNode local = server.getJson("/actuator/ports");
            assertThat(local.get("attempts").get(0).get("holder").get("pid").asLong())
                .isEqualTo(ProcessHandle.current().pid());
            assertThat(server.getJson("/actuator/health").get("components").get("ports").get("details")
                .get("activePort").asInt()).isEqualTo(fallback);
            // a proxy on this machine relays clients from anywhere; a browser fooled by DNS rebinding names another host
            assertThat(localStatus(fallback, "Host: localhost")).isEqualTo(200);
            assertThat(localStatus(fallback, "Host: 127.0.0.1:" + fallback)).isEqualTo(200);
            assertThat(localStatus(fallback, "Host: localhost", "X-Forwarded-For: 203.0.113.9")).isEqualTo(401);
            assertThat(localStatus(fallback, "Host: localhost", "Forwarded: for=203.0.113.9")).isEqualTo(401);
            assertThat(localStatus(fallback, "Host: rebound.example:" + fallback)).isEqualTo(401);

            holder.close();
            await().atMost(Duration.ofSeconds(10))
                .until(() -> server.getJson("/actuator/ports").get("activePorts").toString().contains("" + primary));
            assertRemoteSeesStatusOnly(primary);
            assertRemoteIsRefused(primary);
        }
        assertThat(output).doesNotContain("generated security password").doesNotContain("plain HTTP");
    }

    @Test
    void remoteClientsWithCredentialsSeeWhatLocalOnesSee(CapturedOutput output) throws Exception {
        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(state, List.of(RemoteAddressEcho.class),
                "--web_server.host=0.0.0.0", "--web_server.port=" + port,
                "--server.forward-headers-strategy=framework", "--spring.security.user.name=ops",
                "--spring.security.user.password=s3cret-for-test", "--web_server.public_endpoints=prometheus")) {
            assertRemoteSeesStatusOnly(port);
            for (String path : List.of("/actuator", "/actuator/ports", "/actuator/info")) {
                assertThat(remote.get(remoteUrl(port, path)).status()).as(path).isEqualTo(401);
                assertThat(remote.get(remoteUrl(port, path), "-u", "ops:wrong").status()).as(path).isEqualTo(401);
            }
            assertForwardedHeadersDoNotMakeARemoteClientLocal(port);
            // opened by web_server.public_endpoints, for a scraper on another host
            Response prometheus = remote.get(remoteUrl(port, "/actuator/prometheus"));
            assertThat(prometheus.status()).isEqualTo(200);
            assertThat(prometheus.body()).contains("virtuoso_ports_active");

            Response report = remote.get(remoteUrl(port, "/actuator/ports"), "-u", "ops:s3cret-for-test");
            assertThat(report.status()).isEqualTo(200);
            assertThat(JsonMapper.shared().readTree(report.body()).get("primaryPort").asInt()).isEqualTo(port);
            Response health = remote.get(remoteUrl(port, "/actuator/health"), "-u", "ops:s3cret-for-test");
            assertThat(JsonMapper.shared().readTree(health.body()).has("components")).isTrue();
            assertThat(localStatus(port, "Host: localhost")).isEqualTo(200);
        }
        assertThat(output).contains("spring.security.user.password is set, but the server speaks plain HTTP on 0.0.0.0")
            .doesNotContain("s3cret-for-test")
            .doesNotContain("generated security password");
    }

    @Test
    void theManagementPortOfItsOwnFollowsTheSameRulesAndAnEmptyPasswordOpensNothing(CapturedOutput output)
            throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int management = ports.get(1);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.host=0.0.0.0",
                "--web_server.port=" + ports.get(0), "--management.server.port=" + management,
                "--spring.security.user.password=")) {
            assertRemoteSeesStatusOnly(management);
            assertRemoteIsRefused(management);
            assertThat(remote.get(remoteUrl(management, "/actuator/ports"), "-u", "user:").status()).isEqualTo(401);
            assertThat(localStatus(management, "Host: localhost")).isEqualTo(200);
            assertThat(localStatus(management, "Host: localhost", "X-Forwarded-For: 203.0.113.9")).isEqualTo(401);
        }
        assertThat(output).doesNotContain("generated security password").doesNotContain("plain HTTP");
    }

    /**
     * With forwarded headers honoured, {@code X-Forwarded-For: 127.0.0.1} rewrites the address the
     * application sees, and changes nothing about what the client may read.
     */
    private static void assertForwardedHeadersDoNotMakeARemoteClientLocal(int port) throws Exception {
        Response echo = remote.get(remoteUrl(port, RemoteAddressEcho.PATH), "-H", "X-Forwarded-For: 127.0.0.1");
        assertThat(echo.body()).as("the forwarded-headers strategy is active").isEqualTo("127.0.0.1");
        assertThat(remote.get(remoteUrl(port, RemoteAddressEcho.PATH)).body()).isEqualTo(remote.clientAddress());
        for (String path : List.of("/actuator", "/actuator/ports", "/actuator/info", "/actuator/metrics")) {
            assertThat(remote.get(remoteUrl(port, path), "-H", "X-Forwarded-For: 127.0.0.1").status()).as(path)
                .isEqualTo(401);
        }
        Response health = remote.get(remoteUrl(port, "/actuator/health"), "-H", "X-Forwarded-For: 127.0.0.1");
        assertThat(JsonMapper.shared().readTree(health.body()).has("components")).isFalse();
    }

    /** The status of GET /actuator/ports from 127.0.0.1 with exactly these headers (a raw request, Host included). */
    private static int localStatus(int port, String... headers) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            String request = "GET /actuator/ports HTTP/1.1\r\n" + String.join("\r\n", headers)
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private static void assertRemoteSeesStatusOnly(int port) throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            Response response = remote.get(remoteUrl(port, path));
            assertThat(response.status()).as(path + " on " + port).isEqualTo(200);
            JsonNode body = JsonMapper.shared().readTree(response.body());
            assertThat(body.get("status").asString()).isEqualTo("UP");
            assertThat(body.has("components")).as(response.body()).isFalse();
            assertThat(body.has("details")).as(response.body()).isFalse();
            assertThat(response.body()).doesNotContain(Integer.toString(port));
        }
        Response component = remote.get(remoteUrl(port, "/actuator/health/ports"));
        assertThat(component.body()).doesNotContain("activePort").doesNotContain(Integer.toString(port));
    }

    private static void assertRemoteIsRefused(int port) throws Exception {
        for (String path : CLOSED) {
            Response response = remote.get(remoteUrl(port, path));
            assertThat(response.status()).as(path + " on " + port).isEqualTo(401);
            assertThat(response.body()).doesNotContain("pid").doesNotContain("holders");
        }
    }

    private static String remoteUrl(int port, String path) {
        return "http://" + remote.hostAddress() + ":" + port + path;
    }

    private static int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
    }

}
