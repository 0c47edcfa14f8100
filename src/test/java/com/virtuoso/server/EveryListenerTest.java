package com.virtuoso.server;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;
import com.virtuoso.testing.SelfSignedKeyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every listener of the server is set up as the main one: the fallback listener, an additional
 * port and the primary port reclaimed later all speak TLS and HTTP/2, compress, and send the
 * configured server header.
 */
class EveryListenerTest {

    private static final String PASSWORD = "test-only";

    @TempDir
    Path state;

    @TempDir
    Path keys;

    @Test
    void theFallbackAnAdditionalAndTheReclaimedListenerAllSpeakTlsHttp2AndCompress() throws Exception {
        Path keyStore = SelfSignedKeyStore.create(keys, PASSWORD);
        HttpClient client = HttpClient.newBuilder()
            .sslContext(trusting(keyStore))
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
        List<Integer> ports = FreePorts.pick(3);
        int primary = ports.get(0);
        int fallback = ports.get(1);
        int additional = ports.get(2);
        ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                "--web_server.fallback_ports=" + fallback, "--web_server.additional_ports=" + additional,
                "--web_server.reclaim=true", "--web_server.monitor.interval=300ms",
                "--server.ssl.key-store=" + keyStore, "--server.ssl.key-store-password=" + PASSWORD,
                "--server.ssl.key-store-type=PKCS12", "--server.http2.enabled=true",
                "--server.compression.enabled=true", "--server.compression.min-response-size=1",
                "--server.compression.mime-types=application/vnd.spring-boot.actuator.v3+json",
                "--server.server-header=virtuoso-test")) {
            assertThat(server.port()).isEqualTo(fallback);
            assertSetUpAsTheMainListener(client, fallback);
            assertSetUpAsTheMainListener(client, additional);

            holder.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> answers(client, primary));
            assertSetUpAsTheMainListener(client, primary);
        }
        finally {
            holder.close();
        }
    }

    private static void assertSetUpAsTheMainListener(HttpClient client, int port) throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(health(port))
            .header("Accept-Encoding", "gzip")
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("status on port %d", port).isEqualTo(200);
        assertThat(response.version()).as("protocol on port %d", port).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.headers().firstValue("Content-Encoding")).as("compression on port %d", port)
            .hasValue("gzip");
        assertThat(response.headers().firstValue("Server")).as("server header on port %d", port)
            .hasValue("virtuoso-test");
    }

    private static boolean answers(HttpClient client, int port) {
        try {
            return client.send(HttpRequest.newBuilder(health(port)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (Exception ex) {
            return false;
        }
    }

    private static URI health(int port) {
        return URI.create("https://127.0.0.1:" + port + "/actuator/health");
    }

    private static SSLContext trusting(Path keyStore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

}
