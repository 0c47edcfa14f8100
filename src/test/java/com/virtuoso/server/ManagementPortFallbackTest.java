package com.virtuoso.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A management server on a port of its own gets the same fallback, and a taken management port
 * never stops the trading server.
 */
@ExtendWith(OutputCaptureExtension.class)
class ManagementPortFallbackTest {

    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path state;

    @Test
    void aTakenManagementPortFallsBackToItsOwnCandidates() throws Exception {
        List<Integer> ports = FreePorts.pick(3);
        int main = ports.get(0);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(1));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + main,
                        "--management.server.port=" + ports.get(1), "--management.server.address=127.0.0.1",
                        "--web_server.management_fallback_ports=" + ports.get(2))) {
            assertThat(server.port()).isEqualTo(main);
            HttpResponse<String> ports2 = get(ports.get(2), "/actuator/ports");
            assertThat(ports2.statusCode()).isEqualTo(200);
            JsonNode report = JsonMapper.shared().readTree(ports2.body());
            assertThat(report.get("activePort").asInt()).isEqualTo(main);
            JsonNode management = report.get("management");
            assertThat(management.get("primaryPort").asInt()).isEqualTo(ports.get(1));
            assertThat(management.get("activePort").asInt()).isEqualTo(ports.get(2));
            assertThat(management.get("attempts").get(0).get("outcome").asString()).isEqualTo("IN_USE");
            assertThat(management.get("attempts").get(0).get("holder").get("pid").asLong()).isEqualTo(holder.pid());
            // the management server's own configuration stays out of the main context
            assertThat(server.context().containsBean("managementPortFallbackCustomizer")).isFalse();
        }
    }

    @Test
    void noManagementPortLeftDoesNotStopTheTradingServer(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(1));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--management.server.port=" + ports.get(1), "--management.server.address=127.0.0.1")) {
            assertThat(server.port()).isEqualTo(ports.get(0));
            // the trading server answers, its status page saying what became of the management port
            HttpResponse<String> page = get(ports.get(0), "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("management: none");
            assertThat(output).contains("Management port " + ports.get(1) + " is in use by PID " + holder.pid())
                .contains("The management server does not listen");
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
