package com.virtuoso.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;
import com.virtuoso.testing.NetworkNamespace;
import com.virtuoso.testing.NetworkNamespace.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who sees what on the status page, as for {@code /actuator/ports}: a client on this machine sees
 * everything; a real remote client (curl in a network namespace of the test's own) sees the status
 * only, with a 200 and no login prompt, and everything once it sends the credentials.
 */
class StatusPageAccessTest {

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
    void aLocalClientSeesEverythingARemoteOneTheStatusOnlyWithoutALoginPrompt() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        try (ListenerProcess holder = ListenerProcess.start("0.0.0.0", primary);
                InProcessServer server = InProcessServer.start(state, "--web_server.host=0.0.0.0",
                        "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                        "--web_server.monitor.interval=300ms")) {
            assertThat(server.port()).isEqualTo(fallback);
            await().atMost(Duration.ofSeconds(10))
                .until(() -> server.getJson("/status/report").get("details").get("primaryHolder").asString(),
                        (text) -> text.startsWith("PID " + holder.pid()));

            HttpResponse<String> page = localGet(fallback, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValue(StatusPageController.CONTENT_SECURITY_POLICY);
            assertThat(page.body()).contains("<dd id=\"primary\">" + primary + "</dd>")
                .contains("<dd id=\"listening\">0.0.0.0: " + fallback + "</dd>")
                .contains("<dd id=\"primary-holder\">PID " + holder.pid() + " (");
            JsonNode report = server.getJson("/actuator/ports");
            JsonNode details = server.getJson("/status/report").get("details");
            assertThat(details.get("primary").asString()).isEqualTo(report.get("primaryPort").asString());
            assertThat(details.get("attempts").get(0).get(3).asString())
                .isEqualTo(report.get("attempts").get(0).get("holder").get("pid").asString());
            assertThat(localGet(fallback, "/status/page.js").body()).contains("textContent")
                .doesNotContain("innerHTML")
                .doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write");

            Response remotePage = remote.get(remoteUrl(fallback, "/"), "-i");
            assertThat(remotePage.status()).isEqualTo(200);
            assertThat(remotePage.body()).containsIgnoringCase("Content-Security-Policy: default-src 'none'")
                .doesNotContainIgnoringCase("WWW-Authenticate")
                .contains("<strong id=\"status\" class=\"status status-UP\">UP</strong>")
                .doesNotContain("id=\"details\"")
                .doesNotContain(Integer.toString(primary))
                .doesNotContain(Integer.toString(fallback))
                .doesNotContain(Long.toString(holder.pid()));
            Response remoteReport = remote.get(remoteUrl(fallback, "/status/report"));
            assertThat(remoteReport.status()).isEqualTo(200);
            assertThat(JsonMapper.shared().readTree(remoteReport.body()).get("status").asString()).isEqualTo("UP");
            assertThat(JsonMapper.shared().readTree(remoteReport.body()).get("details").isNull()).isTrue();
            assertThat(remote.get(remoteUrl(fallback, "/status/page.js")).status()).isEqualTo(200);
            assertThat(remote.get(remoteUrl(fallback, "/status/page.css")).status()).isEqualTo(200);
            // asking to sign in is the one request that challenges, so that a browser prompts
            Response signIn = remote.get(remoteUrl(fallback, "/?sign-in"), "-i");
            assertThat(signIn.status()).isEqualTo(401);
            assertThat(signIn.body()).containsIgnoringCase("WWW-Authenticate: Basic");
            // other routes stay the trading API's: not found, not a challenge
            Response elsewhere = remote.get(remoteUrl(fallback, "/status/other"), "-i");
            assertThat(elsewhere.status()).isEqualTo(404);
            assertThat(elsewhere.body()).doesNotContainIgnoringCase("WWW-Authenticate");
        }
    }

    @Test
    void aRemoteClientWithTheCredentialsSeesEverything() throws Exception {
        int port = FreePorts.pick();
        try (InProcessServer server = InProcessServer.start(state, "--web_server.host=0.0.0.0",
                "--web_server.port=" + port, "--spring.security.user.name=ops",
                "--spring.security.user.password=s3cret-for-test")) {
            Response page = remote.get(remoteUrl(port, "/"), "-u", "ops:s3cret-for-test");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<dd id=\"primary\">" + port + "</dd>")
                .contains("<dd id=\"fell-back\">no</dd>");
            Response signedIn = remote.get(remoteUrl(port, "/?sign-in"), "-u", "ops:s3cret-for-test");
            assertThat(signedIn.status()).isEqualTo(200);
            assertThat(signedIn.body()).contains("<dd id=\"primary\">" + port + "</dd>");
            Response report = remote.get(remoteUrl(port, "/status/report"), "-u", "ops:s3cret-for-test");
            assertThat(JsonMapper.shared().readTree(report.body()).get("details").get("primary").asString())
                .isEqualTo(Integer.toString(port));

            assertThat(remote.get(remoteUrl(port, "/"), "-u", "ops:wrong").status()).isEqualTo(401);
            Response anonymous = remote.get(remoteUrl(port, "/"), "-i");
            assertThat(anonymous.status()).isEqualTo(200);
            assertThat(anonymous.body()).doesNotContain(Integer.toString(port)).doesNotContainIgnoringCase("WWW-Authenticate");
        }
    }

    @Test
    void thePageIsServedOnTheMainPortNotOnAManagementPortOfItsOwn() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        int main = ports.get(0);
        int management = ports.get(1);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + main,
                "--management.server.port=" + management)) {
            assertThat(localGet(main, "/").body()).contains("<dd id=\"primary\">" + main + "</dd>")
                .contains("management: " + management);
            assertThat(localGet(main, "/status/report").statusCode()).isEqualTo(200);
            assertThat(localGet(management, "/").statusCode()).isEqualTo(404);
            assertThat(localGet(management, "/status/report").statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<String> localGet(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String remoteUrl(int port, String path) {
        return "http://" + remote.hostAddress() + ":" + port + path;
    }

}
