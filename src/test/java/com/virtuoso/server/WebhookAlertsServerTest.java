package com.virtuoso.server;

import java.nio.file.Path;
import java.time.Duration;
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
import com.virtuoso.testing.RecordingReceiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The server's alerts reach a real HTTP receiver on loopback, and a dead one does not hurt the start.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookAlertsServerTest {

    @TempDir
    Path state;

    @Test
    void aFallBackIsAlerted() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (RecordingReceiver receiver = new RecordingReceiver();
                ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.fallback_ports=" + ports.get(1),
                        "--web_server.alerts.webhooks[0].url=" + receiver.url(),
                        "--web_server.alerts.webhooks[0].format=generic")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.bodies().isEmpty());
            JsonNode event = JsonMapper.shared().readTree(receiver.bodies().get(0));
            assertThat(event.get("type").asString()).isEqualTo("FELL_BACK");
            assertThat(event.get("activePort").asInt()).isEqualTo(ports.get(1));
            assertThat(event.get("attempts").get(0).get("holder").get("pid").asLong()).isEqualTo(holder.pid());
        }
    }

    @Test
    void exhaustionIsAlertedBeforeTheStartFails() throws Exception {
        int port = FreePorts.pick();
        try (RecordingReceiver receiver = new RecordingReceiver();
                ListenerProcess holder = ListenerProcess.start("127.0.0.1", port)) {
            Throwable failure = catchThrowable(() -> InProcessServer.start(state, "--web_server.port=" + port,
                    "--web_server.auto_fallback=false", "--web_server.alerts.webhooks[0].url=" + receiver.url(),
                    "--web_server.alerts.webhooks[0].format=slack"));
            assertThat(StartupExitCodes.of(failure)).isEqualTo(75);
            assertThat(receiver.bodies()).hasSize(1);
            assertThat(JsonMapper.shared().readTree(receiver.bodies().get(0)).get("text").asString())
                .contains("EXHAUSTED");
        }
    }

    @Test
    void aDeadReceiverCostsOneWarningAndNothingElse(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(3);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.fallback_ports=" + ports.get(1),
                        "--web_server.alerts.webhooks[0].url=http://127.0.0.1:" + ports.get(2) + "/dead",
                        "--web_server.alerts.webhooks[0].format=generic")) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("did not take the FELL_BACK"));
            assertThat(output.toString().split("did not take the", -1)).hasSize(2);
            assertThat(output.toString()).contains("Webhook http://127.0.0.1:" + ports.get(2) + "/…#")
                .doesNotContain(ports.get(2) + "/dead");
        }
    }

}
