package com.virtuoso.container;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.virtuoso.ports.FakeProc;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PublishingContainer;
import com.virtuoso.testing.FakeDockerEngine;
import com.virtuoso.testing.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Engine API client against answers a Docker Engine 20.10 gave (recorded byte for byte in
 * {@code docker-engine/}), served on a unix socket in a temporary directory, and against the
 * answers it must survive: whatever goes wrong, no container is named and nothing is thrown.
 */
class DockerEngineTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    private static final Set<InetAddress> LOOPBACK = Set.of(address("127.0.0.1"));

    @TempDir
    Path directory;

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        }
        catch (UnknownHostException ex) {
            throw new IllegalArgumentException(literal, ex);
        }
    }

    @Test
    void namesTheContainerThatPublishesThePortAndAsksWithThePublishFilter() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "published.http")) {
            List<PublishingContainer> containers = new DockerEngine(engine.socket(), SHORT).publishing(53515, LOOPBACK);
            assertThat(containers).containsExactly(new PublishingContainer("vt-manual", "4d7ac333d3d4"));
            assertThat(engine.requests())
                .containsExactly("GET /containers/json?filters=%7B%22publish%22%3A%5B%2253515%22%5D%7D HTTP/1.1");
        }
    }

    @Test
    void readsAChunkedAnswerAndSkipsNamesDockerWouldNotAccept() throws Exception {
        // five containers on 127.0.0.1-5: too long for one write, so the engine chunked it; vt-manual-2's
        // first name is a legacy link's (/vt-linked/alias)
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "chunked.http")) {
            List<PublishingContainer> containers = new DockerEngine(engine.socket(), SHORT).publishing(53515,
                    Set.of(address("127.0.0.1"), address("127.0.0.2"), address("127.0.0.3"), address("127.0.0.4"),
                            address("127.0.0.5")));
            assertThat(containers).extracting(PublishingContainer::name)
                .containsExactly("vt-linked", "vt-manual-4", "vt-manual-3", "vt-manual-2", "vt-manual");
            // labels and command lines of the containers are in the answer, never in what is kept of it
            assertThat(containers.toString()).doesNotContain("hunter2").doesNotContain("httpd");
        }
    }

    @Test
    void onlyTheContainerPublishingOnTheListenersAddressIsNamed() throws Exception {
        // the publish filter matches 53515 on any host address: five containers, on 127.0.0.1 to 127.0.0.5
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "chunked.http")) {
            DockerEngine docker = new DockerEngine(engine.socket(), SHORT);
            assertThat(docker.publishing(53515, Set.of(address("127.0.0.2")))).extracting(PublishingContainer::name)
                .containsExactly("vt-manual-2");
            assertThat(docker.publishing(53515, Set.of(address("127.0.0.9")))).isEmpty();
            assertThat(docker.publishing(53515, Set.of(address("0.0.0.0")))).isEmpty();
            assertThat(docker.publishing(53516, LOOPBACK)).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({ "0.0.0.0, 127.0.0.7, true", "::, ::1, true", "'', 127.0.0.7, true", "'', ::1, true",
            "0.0.0.0, ::1, false", ":: , 127.0.0.7, false" })
    void aContainerPublishingOnEveryAddressOfAFamilyHoldsAListenerOnAnyOfThatFamily(String ip, String listener,
            boolean named) throws Exception {
        String body = "[{\"Id\":\"4d7ac333d3d4\",\"Names\":[\"/web\"],\"Ports\":[{\"IP\":\"" + ip
                + "\",\"PrivatePort\":8080,\"PublicPort\":8000,\"Type\":\"tcp\"}]}]";
        try (FakeDockerEngine engine = FakeDockerEngine.answering(directory.resolve("docker.sock"),
                ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8))) {
            // Docker publishes 0.0.0.0 and :: through two proxies: the other family's root listener is not this one
            assertThat(new DockerEngine(engine.socket(), SHORT).publishing(8000, Set.of(address(listener))))
                .isEqualTo(named ? List.of(new PublishingContainer("web", "4d7ac333d3d4")) : List.of());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "10.255.0.1", "::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:127.0.0.1",
            "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "fe80::1:2", "0:0:0:0:0:ffff:10.0.0.1" })
    void aHostIpAsDockerWritesItIsTheAddressItSays(String ip) {
        assertThat(DockerEngine.literal(ip)).isEqualTo(address(ip));
    }

    @ParameterizedTest
    @ValueSource(strings = { "999.1.1.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", "127.000.000.001", "010.1.1.1", "zz::1",
            "g::1", "1::2::3", ":::", ":1::", "1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::1", "::1%lo",
            "::1%1", "[::1]", "1.2.3.4::", "::1.2.3.999", "1:2:3:4:5:6:7:1.2.3.4", "localhost", "a:b", " 127.0.0.1" })
    void aHostIpThatIsNoLiteralIsNoAddressAndIsNeverLookedUp(String ip) {
        assertThat(DockerEngine.literal(ip)).isNull();
    }

    @Test
    void anUnreadableHostIpRulesOutItsOwnEntryOnly() {
        String body = "[{\"Id\":\"4d7ac333d3d4\",\"Names\":[\"/web\"],\"Ports\":["
                + "{\"IP\":\"999.1.1.1\",\"PrivatePort\":8080,\"PublicPort\":8000,\"Type\":\"tcp\"},"
                + "{\"IP\":\"127.0.0.1\",\"PrivatePort\":8080,\"PublicPort\":8000,\"Type\":\"tcp\"}]},"
                + "{\"Id\":\"5e8bd444e4e5\",\"Names\":[\"/db\"],\"Ports\":["
                + "{\"IP\":\"zz::1\",\"PrivatePort\":5432,\"PublicPort\":8000,\"Type\":\"tcp\"}]}]";
        assertThat(DockerEngine.containers(8000, LOOPBACK, body.getBytes(StandardCharsets.UTF_8)))
            .containsExactly(new PublishingContainer("web", "4d7ac333d3d4"));
    }

    @Test
    void noContainerPublishingThePortNamesNone() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "none.http")) {
            assertThat(new DockerEngine(engine.socket(), SHORT).publishing(1, LOOPBACK)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "",
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\n[{\"Id\": ",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n[]\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nff\r\n[]",
            "HTTP/1.1 200 OK\r\nContent-Length: 80\r\nConnection: close\r\n\r\n"
                    + "[{\"Id\":\"not-hex\",\"Names\":[\"/web\"]},{\"Id\":\"4d7ac333d3d4\",\"Names\":[\"/we b\", 7]}]",
            "SSH-2.0-OpenSSH_9.2\r\n" })
    void aMalformedEmptyOrFailedAnswerNamesNoContainer(String answer) throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.answering(directory.resolve("docker.sock"),
                answer.getBytes(StandardCharsets.UTF_8))) {
            assertThat(new DockerEngine(engine.socket(), SHORT).publishing(8000, LOOPBACK)).isEmpty();
        }
    }

    @Test
    void anEngineThatNeverAnswersCostsTheDeadlineAndNamesNoContainer() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.silent(directory.resolve("docker.sock"))) {
            long start = System.nanoTime();
            assertThat(new DockerEngine(engine.socket(), SHORT).publishing(8000, LOOPBACK)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(SHORT, SHORT.plusSeconds(2));
            assertThat(engine.requests()).hasSize(1);
        }
    }

    @Test
    void anEngineThatNeverAnswersIsAskedOnceForManyRootListenersUntilItsSilenceAges() throws Exception {
        // a user who may not see root's processes asks the engine about every root listener on a candidate
        Path proc = directory.resolve("proc");
        AtomicLong nanos = new AtomicLong();
        List<Integer> ports = FreePorts.pick(4);
        try (FakeDockerEngine engine = FakeDockerEngine.silent(directory.resolve("docker.sock"))) {
            PortHolderLookup lookup = FakeProc.lookup(proc, new DockerEngine(engine.socket(), SHORT), nanos::get);
            for (int port : ports) {
                FakeProc.hiddenListener(proc, port, 0);
                assertThat(lookup.lookup(port).published()).isEmpty();
                nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engine.requests()).hasSize(1));
            nanos.addAndGet(Duration.ofSeconds(30).toNanos());
            assertThat(lookup.lookup(ports.get(3)).published()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engine.requests()).hasSize(2));
        }
    }

    @Test
    void noSocketNamesNoContainer() {
        assertThat(new DockerEngine(directory.resolve("missing.sock"), SHORT).publishing(8000, LOOPBACK)).isEmpty();
    }

    @Test
    void dockerHostChoosesTheSocketAndAnEngineOnTcpIsNotAsked() {
        assertThat(DockerEngine.of(null).socket()).contains(Path.of("/var/run/docker.sock"));
        assertThat(DockerEngine.of("").socket()).contains(Path.of("/var/run/docker.sock"));
        assertThat(DockerEngine.of("unix:///run/user/1000/docker.sock").socket())
            .contains(Path.of("/run/user/1000/docker.sock"));
        assertThat(DockerEngine.of("tcp://10.0.0.5:2376").socket()).isEmpty();
        assertThat(DockerEngine.of("tcp://10.0.0.5:2376").publishing(8000, LOOPBACK)).isEmpty();
        assertThat(DockerEngine.of("ssh://me@build-host").socket()).isEmpty();
    }

}
