package com.virtuoso.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import com.virtuoso.instances.ServerListening;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.HeldRequest;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;
import com.virtuoso.testing.LocalZooKeeper;
import com.virtuoso.testing.LoopbackClient;
import com.virtuoso.testing.SelfSignedKeyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registration in a real ZooKeeper (Curator's TestingServer), looked up with Spring Cloud's
 * {@code DiscoveryClient}: at the port the server really listens on, through a fall back and a
 * reclaim, while ZooKeeper comes and goes, and gone when the server stops.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceDiscoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * Long, so that a start that waits for ZooKeeper is told from a slow start on a busy machine
     * (the first start in a JVM there takes 20 s).
     */
    private static final Duration BLOCK_UNTIL_CONNECTED = Duration.ofSeconds(120);

    @TempDir
    Path state;

    @TempDir
    Path zooKeeperData;

    @Test
    void followsTheServerFromTheFallbackToThePrimaryAndLeavesWhenItStops(CapturedOutput output) throws Exception {
        try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, true)) {
            List<Integer> ports = FreePorts.pick(2);
            int primary = ports.get(0);
            int fallback = ports.get(1);
            ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
            try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                    "--web_server.fallback_ports=" + fallback, "--web_server.reclaim=true",
                    "--web_server.monitor.interval=300ms", "--web_server.reclaim_release_fallback_after=1s",
                    "--spring.cloud.zookeeper.connect-string=" + zooKeeper.connectString(),
                    "--spring.cloud.zookeeper.discovery.enabled=true")) {
                assertThat(server.port()).isEqualTo(fallback);
                await().atMost(WAIT).ignoreExceptions().until(() -> zooKeeper.instances("virtuoso").size() == 1);
                ServiceInstance fellBack = zooKeeper.instances("virtuoso").get(0);
                assertThat(fellBack.getHost()).isEqualTo("127.0.0.1");
                assertThat(fellBack.getPort()).isEqualTo(fallback);
                assertThat(fellBack.getUri().toString()).isEqualTo("http://127.0.0.1:" + fallback);
                assertThat(fellBack.getMetadata()).containsEntry("primaryPort", Integer.toString(primary))
                    .containsEntry("fellBack", "true")
                    .containsEntry("attempts", "2");

                holder.close();
                await().atMost(WAIT).ignoreExceptions()
                    .until(() -> zooKeeper.instances("virtuoso").get(0).getPort() == primary);
                ServiceInstance moved = zooKeeper.instances("virtuoso").get(0);
                assertThat(moved.getInstanceId()).isEqualTo(fellBack.getInstanceId());
                assertThat(moved.getMetadata()).containsEntry("primaryPort", Integer.toString(primary))
                    .containsEntry("fellBack", "false")
                    .containsEntry("attempts", "2");

                // ZooKeeper away for less than the session (60 s): a warning, and the entry is there when it is back
                zooKeeper.stop();
                await().atMost(WAIT).until(() -> output.toString().contains("Lost the connection to ZooKeeper ("
                        + zooKeeper.connectString() + "); reconnecting"));
                zooKeeper.restart();
                await().atMost(WAIT).ignoreExceptions()
                    .until(() -> zooKeeper.instances("virtuoso").get(0).getPort() == primary);
            }
            finally {
                holder.close();
            }
            // removed as the server stops, not when its session would expire (60 s by default)
            assertThat(zooKeeper.instances("virtuoso")).isEmpty();
        }
    }

    @Test
    void theEntryGoesWhenTheStopBeginsNotAfterTheRequestsInFlightHaveDrained() throws Exception {
        try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, true)) {
            InProcessServer server = InProcessServer.start(state, List.of(HeldRequest.class),
                    "--web_server.port=" + FreePorts.pick(),
                    "--spring.cloud.zookeeper.connect-string=" + zooKeeper.connectString(),
                    "--spring.cloud.zookeeper.discovery.enabled=true",
                    // the drain would outlast the wait below: an entry removed after it is never seen gone
                    "--spring.lifecycle.timeout-per-shutdown-phase=120s");
            HeldRequest held = server.context().getBean(HeldRequest.class);
            CompletableFuture<Void> stop = null;
            try {
                await().atMost(WAIT).ignoreExceptions().until(() -> zooKeeper.instances("virtuoso").size() == 1);
                CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
                    .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/held")).build(),
                            HttpResponse.BodyHandlers.ofString());
                assertThat(held.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

                stop = CompletableFuture.runAsync(server::close);
                await().atMost(WAIT).ignoreExceptions().until(() -> zooKeeper.instances("virtuoso").isEmpty());
                assertThat(response).isNotDone();
                assertThat(stop).isNotDone();

                held.release.countDown();
                assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo("served");
                stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            finally {
                held.release.countDown();
                if (stop == null) {
                    server.close();
                }
            }
        }
    }

    @Test
    void aStopBeforeZooKeeperEverAnsweredWritesNoEntryWhenItAnswersDuringTheDrain() throws Exception {
        try (Socket closedPort = holdClosedPort()) {
            int zooKeeperPort = closedPort.getLocalPort();
            InProcessServer server = InProcessServer.start(state, List.of(HeldRequest.class),
                    "--web_server.port=" + FreePorts.pick(),
                    "--spring.cloud.zookeeper.connect-string=" + connectString(closedPort),
                    "--spring.cloud.zookeeper.discovery.enabled=true",
                    // the registration at start still waits for a session when the stop begins
                    "--spring.cloud.zookeeper.connection-timeout=60s",
                    "--spring.lifecycle.timeout-per-shutdown-phase=120s");
            HeldRequest held = server.context().getBean(HeldRequest.class);
            CuratorFramework curator = server.context().getBean(CuratorFramework.class);
            int port = server.port();
            CompletableFuture<Void> stop = null;
            try {
                CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
                    .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/held")).build(),
                            HttpResponse.BodyHandlers.ofString());
                assertThat(held.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

                stop = CompletableFuture.runAsync(server::close);
                // the graceful shutdown closes the listener after the close event, where the entry is given up
                await().atMost(WAIT).until(() -> !LoopbackClient.accepts(port));
                closedPort.close();
                try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, zooKeeperPort, true)) {
                    await().atMost(WAIT).until(() -> curator.getZookeeperClient().isConnected());
                    // Curator writes the entries it keeps as soon as it connects
                    await().during(Duration.ofSeconds(3))
                        .atMost(WAIT)
                        .until(() -> zooKeeper.instances("virtuoso").isEmpty());
                    assertThat(stop).isNotDone();

                    held.release.countDown();
                    assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo("served");
                    stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(zooKeeper.instances("virtuoso")).isEmpty();
                }
            }
            finally {
                held.release.countDown();
                if (stop == null) {
                    server.close();
                }
            }
        }
    }

    @Test
    void aServerThatSpeaksTlsIsRegisteredAsSecureOnTheFallbackAndOnTheReclaimedPrimary(@TempDir Path keys)
            throws Exception {
        Path keyStore = SelfSignedKeyStore.create(keys, "test-only");
        try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, true)) {
            List<Integer> ports = FreePorts.pick(2);
            int primary = ports.get(0);
            int fallback = ports.get(1);
            ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary);
            try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + primary,
                    "--web_server.fallback_ports=" + fallback, "--web_server.reclaim=true",
                    "--web_server.monitor.interval=300ms", "--server.ssl.key-store=" + keyStore,
                    "--server.ssl.key-store-password=test-only", "--server.ssl.key-store-type=PKCS12",
                    "--spring.cloud.zookeeper.connect-string=" + zooKeeper.connectString(),
                    "--spring.cloud.zookeeper.discovery.enabled=true")) {
                await().atMost(WAIT).ignoreExceptions().until(() -> zooKeeper.instances("virtuoso").size() == 1);
                ServiceInstance fellBack = zooKeeper.instances("virtuoso").get(0);
                assertThat(fellBack.isSecure()).isTrue();
                assertThat(fellBack.getPort()).isEqualTo(fallback);
                assertThat(fellBack.getUri()).hasToString("https://127.0.0.1:" + fallback);

                holder.close();
                await().atMost(WAIT).ignoreExceptions()
                    .until(() -> zooKeeper.instances("virtuoso").get(0).getPort() == primary);
                ServiceInstance moved = zooKeeper.instances("virtuoso").get(0);
                assertThat(moved.isSecure()).isTrue();
                assertThat(moved.getUri()).hasToString("https://127.0.0.1:" + primary);
            }
            finally {
                holder.close();
            }
        }
    }

    @Test
    void aZooKeeperDownAtStartCostsAWarningAndTheServerRegistersWhenItComesAndAfterItCameBack(CapturedOutput output)
            throws Exception {
        try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, false)) {
            long start = System.nanoTime();
            try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                    "--spring.cloud.zookeeper.connect-string=" + zooKeeper.connectString(),
                    "--spring.cloud.zookeeper.discovery.enabled=true",
                    "--spring.cloud.zookeeper.connection-timeout=500ms", "--spring.cloud.zookeeper.max-retries=1",
                    "--spring.cloud.zookeeper.session-timeout=2s",
                    // a start that waited for ZooKeeper would take this long at least
                    "--spring.cloud.zookeeper.block-until-connected-wait=" + BLOCK_UNTIL_CONNECTED.toSeconds())) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.println("started in " + took.toMillis() + " ms with ZooKeeper down");
                assertThat(took).isLessThan(BLOCK_UNTIL_CONNECTED.dividedBy(2));
                JsonNode health = server.getJson("/actuator/health");
                assertThat(health.get("status").asString()).isEqualTo("UP");
                assertThat(health.get("components").has("zookeeper")).isFalse();
                assertThat(health.get("components").has("discoveryComposite")).isFalse();
                await().atMost(WAIT).until(() -> output.toString().contains("Could not register in ZooKeeper ("
                        + zooKeeper.connectString() + ") as virtuoso at 127.0.0.1:" + server.port()));

                zooKeeper.start();
                await().atMost(WAIT).ignoreExceptions().until(() -> zooKeeper.instances("virtuoso").size() == 1);
                assertThat(zooKeeper.instances("virtuoso").get(0).getPort()).isEqualTo(server.port());

                // away longer than the session: the entry has to be written again by a new session
                int before = output.toString().length();
                zooKeeper.stop();
                await().atMost(WAIT)
                    .until(() -> output.toString().substring(before).contains("The ZooKeeper session expired"));
                zooKeeper.restart();
                CuratorFramework curator = server.context().getBean(CuratorFramework.class);
                await().atMost(WAIT).ignoreExceptions().until(() -> {
                    List<ServiceInstance> found = zooKeeper.instances("virtuoso");
                    return found.size() == 1 && found.get(0).getPort() == server.port()
                            && zooKeeper.ephemeralOwner("virtuoso", found.get(0).getInstanceId())
                                .equals(curator.getZookeeperClient().getZooKeeper().getSessionId());
                });
            }
        }
    }

    @Test
    void aZooKeeperThatNeverAnswersCostsOneWarningAfterTheConnectionTimeout(CapturedOutput output) throws Exception {
        try (Socket closedPort = holdClosedPort();
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                        "--spring.cloud.zookeeper.connect-string=" + connectString(closedPort),
                        "--spring.cloud.zookeeper.discovery.enabled=true",
                        "--spring.cloud.zookeeper.connection-timeout=1s")) {
            String connectString = connectString(closedPort);
            String warning = "No answer from ZooKeeper (" + connectString + ") within 1000 ms "
                    + "(spring.cloud.zookeeper.connection-timeout): this server keeps serving, and registers in "
                    + "ZooKeeper as soon as it answers";
            await().atMost(WAIT).until(() -> output.toString().contains(warning));
            assertThat(server.getJson("/actuator/health").get("status").asString()).isEqualTo("UP");
            assertThat(output.toString().split(Pattern.quote(warning), -1)).as("the warning once").hasSize(2);
        }
    }

    @Test
    void withRegisterFalseTheServerWritesNoEntryAndItsDiscoveryClientStillFindsOthers() throws Exception {
        try (LocalZooKeeper zooKeeper = LocalZooKeeper.create(zooKeeperData, true)) {
            zooKeeper.register("pricing", 9000);
            try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                    "--spring.cloud.zookeeper.connect-string=" + zooKeeper.connectString(),
                    "--spring.cloud.zookeeper.discovery.enabled=true",
                    "--spring.cloud.zookeeper.discovery.register=false")) {
                DiscoveryClient client = server.context().getBean(DiscoveryClient.class);
                await().atMost(WAIT).ignoreExceptions().until(() -> client.getInstances("pricing").size() == 1);
                assertThat(client.getInstances("pricing").get(0).getPort()).isEqualTo(9000);
                assertThat(zooKeeper.instances("virtuoso")).isEmpty();
                assertThat(server.context().getBeanNamesForType(DiscoveryRegistration.class)).isEmpty();
            }
        }
    }

    @Test
    void aStopWhileTheRegistrationWaitsForZooKeeperAndAMoveQueuedAfterItLogNoWarning(CapturedOutput output)
            throws Exception {
        // the registration at start waits for a connection during the whole test
        try (Socket closedPort = holdClosedPort()) {
            InProcessServer server = InProcessServer.start(state, List.of(LateServerListening.class),
                    "--web_server.port=" + FreePorts.pick(),
                    "--spring.cloud.zookeeper.connect-string=" + connectString(closedPort),
                    "--spring.cloud.zookeeper.discovery.enabled=true",
                    "--spring.cloud.zookeeper.connection-timeout=60s");
            LateServerListening late = server.context().getBean(LateServerListening.class);
            int stopBegins = output.toString().length();
            server.close();
            assertThat(late.republished).isTrue();
            assertThat(output.toString().substring(stopBegins)).doesNotContain("WARN");
        }
    }

    /**
     * Publishes the server's {@link ServerListening} again once the stop
     * has begun, as the port monitor does when it reclaims the primary port during the drain.
     */
    static class LateServerListening {

        private final ApplicationEventPublisher events;

        private volatile ServerListening last;

        volatile boolean republished;

        LateServerListening(ApplicationEventPublisher events) {
            this.events = events;
        }

        @EventListener
        void on(ServerListening listening) {
            last = listening;
        }

        @EventListener
        @Order(Ordered.LOWEST_PRECEDENCE)
        void on(ContextClosedEvent closed) {
            if (last != null && !republished) {
                republished = true;
                events.publishEvent(last);
            }
        }

    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a client that did connect here would wait for ever for an answer
    void aDefaultStartHasNoZooKeeperClientAndConnectsNowhere() throws Exception {
        try (ServerSocketChannel zooKeeper = ServerSocketChannel.open()) {
            zooKeeper.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            zooKeeper.configureBlocking(false);
            int port = zooKeeper.socket().getLocalPort();
            // the connect string alone does not turn discovery on
            try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                    "--spring.cloud.zookeeper.connect-string=127.0.0.1:" + port)) {
                assertThat(server.context().getBeanNamesForType(CuratorFramework.class)).isEmpty();
                assertThat(server.context().getBeanNamesForType(ZookeeperDiscoveryClient.class)).isEmpty();
                assertThat(server.context().getBeanNamesForType(DiscoveryRegistration.class)).isEmpty();
                // nor a check that would fail every start on a Spring Boot version Spring Cloud does not list
                assertThat(server.context().containsBean("springBootVersionVerifier")).isFalse();
                assertThat(zooKeeper.accept()).isNull();
                // Spring Cloud on the class path adds nothing to what health shows
                JsonNode components = server.getJson("/actuator/health").get("components");
                assertThat(components.has("ports")).isTrue();
                assertThat(components.has("refreshScope")).isFalse();
                assertThat(components.has("discoveryComposite")).isFalse();
                assertThat(components.has("zookeeper")).isFalse();
            }
        }
    }

    /**
     * A port on 127.0.0.1 where no ZooKeeper answers for as long as the socket is open: bound and never
     * listening, so connections to it are refused and nothing else can listen on it.
     */
    private static Socket holdClosedPort() throws IOException {
        Socket holder = new Socket();
        try {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return holder;
        }
        catch (IOException ex) {
            holder.close();
            throw ex;
        }
    }

    private static String connectString(Socket closedPort) {
        return "127.0.0.1:" + closedPort.getLocalPort();
    }

}
