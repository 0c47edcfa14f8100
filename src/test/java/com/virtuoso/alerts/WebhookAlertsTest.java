package com.virtuoso.alerts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.RecordingReceiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhookAlertsTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    private static final String TOKEN = "Zq8v-S3cr3tT0ken";

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @Test
    void eachFormatGetsItsDocumentedShape() throws Exception {
        try (RecordingReceiver discord = new RecordingReceiver();
                RecordingReceiver slack = new RecordingReceiver();
                RecordingReceiver generic = new RecordingReceiver();
                WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(discord.url(), WebhookFormat.DISCORD),
                        new WebhookAlerts.Webhook(slack.url(), WebhookFormat.SLACK),
                        new WebhookAlerts.Webhook(generic.url(), WebhookFormat.GENERIC)))) {
            alerts.send(fellBack()).get(10, TimeUnit.SECONDS);
            JsonMapper json = JsonMapper.shared();
            assertThat(json.readTree(discord.bodies().get(0)).get("content").asString())
                .startsWith("Virtuoso FELL_BACK on 127.0.0.1").contains("listening on 8001");
            assertThat(json.readTree(slack.bodies().get(0)).get("text").asString()).contains("FELL_BACK");
            JsonNode event = json.readTree(generic.bodies().get(0));
            assertThat(event.get("type").asString()).isEqualTo("FELL_BACK");
            assertThat(event.get("activePort").asInt()).isEqualTo(8001);
            assertThat(event.get("attempts").get(0).get("outcome").asString()).isEqualTo("IN_USE");
            assertThat(event.get("at").asString()).isEqualTo("2026-11-26T10:00:00Z");
        }
    }

    @Test
    void theSameAlertIsSentOncePerDedupWindow() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver();
                WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(receiver.url(), WebhookFormat.GENERIC)))) {
            for (int i = 0; i < 5; i++) {
                alerts.send(fellBack()).get(10, TimeUnit.SECONDS);
            }
            alerts.send(event(PortEvent.Type.RECLAIMED)).get(10, TimeUnit.SECONDS);
            assertThat(receiver.bodies()).hasSize(2);
        }
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver();
                WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(receiver.url(), WebhookFormat.GENERIC)))) {
            receiver.respondWith(503);
            alerts.send(fellBack()).get(10, TimeUnit.SECONDS);
            assertThat(receiver.bodies()).hasSize(2);
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void aDeadReceiverCostsOneWarning() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + FreePorts.pick() + "/hook");
        try (WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(dead, WebhookFormat.SLACK)))) {
            alerts.send(fellBack()).get(30, TimeUnit.SECONDS);
            alerts.send(event(PortEvent.Type.RECLAIMED)).get(30, TimeUnit.SECONDS);
            alerts.send(event(PortEvent.Type.NOT_LISTENING)).get(30, TimeUnit.SECONDS);
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains(new WebhookUrl(dead).redacted(), "did not take the FELL_BACK alert")
                .doesNotContain("/hook");
        }
    }

    @Test
    void aFailingWebhookIsWarnedAboutWithoutItsToken() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            URI secret = URI.create(receiver.url() + "/1234/" + TOKEN + "?wait=true");
            try (WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(secret, WebhookFormat.DISCORD)))) {
                receiver.respondWith(500, 500, 500);
                alerts.send(fellBack()).get(10, TimeUnit.SECONDS);
            }
            assertThat(receiver.bodies()).hasSize(3);
            assertThat(warnings).singleElement()
                .asString()
                .contains("Webhook http://127.0.0.1:" + secret.getPort() + "/…#" + new WebhookUrl(secret).fingerprint(),
                        "did not take the FELL_BACK alert (HTTP 500)")
                .doesNotContain(TOKEN, "/hook", "wait=true");
        }
    }

    @Test
    void aUrlTheClientRefusesIsWarnedAboutWithoutItsToken() throws Exception {
        // no host: the HTTP client refuses it, in a message that quotes the URL
        try (WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(URI.create("https:/hooks/" + TOKEN),
                WebhookFormat.GENERIC)))) {
            alerts.send(fellBack()).get(10, TimeUnit.SECONDS);
            assertThat(warnings).singleElement()
                .asString()
                .contains("did not take the FELL_BACK alert (the HTTP client cannot send to this URL)")
                .doesNotContain(TOKEN, "/hooks");
        }
    }

    @Test
    void plainHttpToAnotherMachineIsWarnedAboutOnceAtCreation() {
        // nothing is sent: the warning comes from the configuration alone
        URI remote = URI.create("http://198.51.100.7/hooks/" + TOKEN);
        URI loopback = URI.create("http://127.0.0.1:" + FreePorts.pick() + "/hooks/" + TOKEN);
        try (WebhookAlerts alerts = alerts(List.of(new WebhookAlerts.Webhook(remote, WebhookFormat.SLACK),
                new WebhookAlerts.Webhook(loopback, WebhookFormat.SLACK)))) {
            assertThat(warnings).singleElement()
                .asString()
                .contains("Webhook http://198.51.100.7/…#" + new WebhookUrl(remote).fingerprint(), "plain http",
                        "https://")
                .doesNotContain(TOKEN);
        }
    }

    @Test
    void aReceiverThatNeverFinishesItsAnswerIsGivenUpAtTheDeadline() throws Exception {
        try (StallingReceiver receiver = new StallingReceiver();
                WebhookAlerts alerts = new WebhookAlerts(List.of(new WebhookAlerts.Webhook(receiver.url(),
                        WebhookFormat.GENERIC)), Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC), warnings::add,
                        10, Duration.ofSeconds(1))) {
            alerts.send(fellBack()).get(10, TimeUnit.SECONDS);
            assertThat(warnings).singleElement()
                .asString()
                .contains("did not take the FELL_BACK alert (no answer within the deadline of 1000 ms)");
        }
    }

    @Test
    void theQueueIsBoundedAndDropsTheOldestWithOneWarning() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            // connections complete in the backlog and are never answered
            silent.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook");
            List<WebhookAlerts.Webhook> webhooks = List.of(new WebhookAlerts.Webhook(url, WebhookFormat.GENERIC));
            try (WebhookAlerts alerts = new WebhookAlerts(webhooks, Duration.ofMinutes(5),
                    Clock.fixed(NOW, ZoneOffset.UTC), warnings::add, 2, Duration.ofSeconds(1))) {
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    sent.add(alerts.send(new PortEvent(PortEvent.Type.NOT_LISTENING, NOW, 4242, "127.0.0.1", 1,
                            100 + i, List.of(), "event " + i)));
                }
                await().atMost(Duration.ofSeconds(5))
                    .until(() -> sent.stream().filter(CompletableFuture::isDone).count() >= 5);
                assertThat(warnings.stream().filter((warning) -> warning.contains("dropped")))
                    .singleElement()
                    .asString()
                    .contains("Webhook alerts come faster than they can be delivered", "at most 2 wait")
                    .contains(new WebhookUrl(url).redacted());
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private WebhookAlerts alerts(List<WebhookAlerts.Webhook> webhooks) {
        return new WebhookAlerts(webhooks, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC), warnings::add);
    }

    private static PortEvent fellBack() {
        return new PortEvent(PortEvent.Type.FELL_BACK, NOW, 4242, "127.0.0.1", 8000, 8001,
                List.of(new PortAttempt(8000, BindOutcome.IN_USE, NOW, null, "in use"), PortAttempt.bound(8001, NOW)),
                "port 8000 was not available; listening on 8001");
    }

    private static PortEvent event(PortEvent.Type type) {
        return new PortEvent(type, NOW, 4242, "127.0.0.1", 8000, 8001, List.of(), type.name());
    }

    /**
     * A receiver that sends the status line and headers of a long answer, then never its body:
     * the request timeout has passed by then, so only an overall deadline ends the wait.
     */
    private static final class StallingReceiver implements AutoCloseable {

        private final ServerSocket server;

        private final List<Socket> clients = new CopyOnWriteArrayList<>();

        private final Thread acceptor;

        StallingReceiver() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            acceptor = new Thread(this::serve, "stalling-receiver");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook");
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    clients.add(client);
                    InputStream in = client.getInputStream();
                    byte[] request = new byte[8192];
                    in.read(request);
                    OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                catch (IOException ex) {
                    return; // closed by the test
                }
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket client : clients) {
                client.close();
            }
            acceptor.join(Duration.ofSeconds(5).toMillis());
        }

    }

}
