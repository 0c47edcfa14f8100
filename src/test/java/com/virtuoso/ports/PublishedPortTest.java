package com.virtuoso.ports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedPortTest {

    private static final Instant STARTED = Instant.parse("2026-11-27T10:00:00Z");

    /** As Docker 20.10 starts it for {@code docker run -p 127.0.0.1:8000:8080}. */
    private static final PortHolder DOCKER_PROXY = new PortHolder(13579, "root", STARTED,
            "/usr/bin/docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 8000 -container-ip 172.17.0.2 "
                    + "-container-port 8080");

    private static final PortHolder SERVER = new PortHolder(4242, "trader", STARTED, "python3 -m http.server 8000");

    private static final PublishingContainer WEB = new PublishingContainer("web", "4d7ac333d3d4");

    @Test
    void dockerProxyAsDockerStartsItIsAForwarder() {
        assertThat(PortForwarder.of(DOCKER_PROXY)).contains(PortForwarder.DOCKER_PROXY);
    }

    @ParameterizedTest
    @CsvSource({ "rootlesskit --state-dir=/run/user/1000/dockerd-rootless --net=slirp4netns, ROOTLESSKIT",
            "/usr/bin/slirp4netns --mtu 65520 -r 3 --disable-host-loopback --enable-sandbox 4711 tap0, SLIRP4NETNS",
            "/usr/libexec/podman/rootlessport, ROOTLESSPORT", "[docker-proxy], DOCKER_PROXY" })
    void theRootlessForwardersAreForwardersToo(String command, PortForwarder forwarder) {
        assertThat(PortForwarder.of(new PortHolder(999, "me", STARTED, command))).contains(forwarder);
    }

    @ParameterizedTest
    @CsvSource({ "python3 -m http.server 8000", "python3 docker-proxy", "/opt/docker-proxy-ui/bin/server",
            "unknown command" })
    void aProgramMerelyMentioningAForwarderIsNone(String command) {
        assertThat(PortForwarder.of(new PortHolder(999, "me", STARTED, command))).isEmpty();
    }

    @Test
    void theEngineIsAskedOnlyWhenAForwarderHoldsThePort() {
        List<Integer> asked = new ArrayList<>();
        PublishingContainers engine = (port, addresses) -> {
            asked.add(port);
            return List.of(WEB);
        };
        assertThat(PublishedPort.among(8000, List.of(SERVER), Map.of(), engine)).isEmpty();
        assertThat(asked).isEmpty();
        assertThat(PublishedPort.among(8000, List.of(SERVER, DOCKER_PROXY), Map.of(), engine)).hasValueSatisfying((published) -> {
            assertThat(published.holder()).isEqualTo(DOCKER_PROXY);
            assertThat(published.containers()).containsExactly(WEB);
        });
        assertThat(asked).containsExactly(8000);
    }

    @Test
    void aNamedContainerIsToldAndStoppedByName() {
        PublishedPort published = new PublishedPort(8000, DOCKER_PROXY, PortForwarder.DOCKER_PROXY, List.of(WEB));
        assertThat(published.describe())
            .isEqualTo("Docker container web (4d7ac333d3d4), published through docker-proxy PID 13579");
        assertThat(published.reason()).isEqualTo("PID 13579 is docker-proxy, which holds port 8000 for Docker "
                + "container web (4d7ac333d3d4): a signal would leave the container running with its port cut off, "
                + "behind Docker's back");
        assertThat(published.stopCommand()).isEqualTo("docker stop web");
        assertThat(published.instead()).isEqualTo("stop the container instead: docker stop web");
    }

    @Test
    void withoutTheEngineItIsADockerPublishedPortAndNoMore() {
        PublishedPort published = new PublishedPort(8000, DOCKER_PROXY, PortForwarder.DOCKER_PROXY, List.of());
        assertThat(published.describe()).isEqualTo("a Docker-published port (docker-proxy PID 13579)");
        assertThat(published.reason()).contains("holds port 8000 for a Docker container:");
        assertThat(published.stopCommand()).isEqualTo("docker ps --filter publish=8000");
        assertThat(published.instead())
            .isEqualTo("stop the container instead: docker ps --filter publish=8000 names it, then docker stop NAME");
    }

    @Test
    void severalContainersOnOnePortAreAllNamed() {
        PublishingContainer api = new PublishingContainer("api", "233ae8683145");
        PublishedPort published = new PublishedPort(8000, DOCKER_PROXY, PortForwarder.DOCKER_PROXY, List.of(WEB, api));
        assertThat(published.describe()).startsWith("Docker containers web (4d7ac333d3d4), api (233ae8683145),");
        assertThat(published.stopCommand()).isEqualTo("docker stop web api");
    }

    @Test
    void aRootlessPodmanPortIsStoppedWithPodman() {
        PortHolder rootlessport = new PortHolder(999, "me", STARTED, "rootlessport");
        PublishedPort named = new PublishedPort(8000, rootlessport, PortForwarder.ROOTLESSPORT, List.of(WEB));
        assertThat(named.stopCommand()).isEqualTo("podman stop web");
        PublishedPort unnamed = new PublishedPort(8000, rootlessport, PortForwarder.ROOTLESSPORT, List.of());
        assertThat(unnamed.describe()).isEqualTo("a port published by rootless Podman (rootlessport PID 999)");
        assertThat(unnamed.stopCommand()).isEqualTo("podman port --all");
    }

    @Test
    void portHoldersDescribeThePublishedPortByItsContainer() {
        PublishedPort published = new PublishedPort(8000, DOCKER_PROXY, PortForwarder.DOCKER_PROXY, List.of(WEB));
        PortHolder ipv6Proxy = new PortHolder(13580, "root", STARTED, DOCKER_PROXY.command().replace("127.0.0.1", "::1"));
        assertThat(PortHolders.published(List.of(DOCKER_PROXY, ipv6Proxy), published).describe())
            .isEqualTo("Docker container web (4d7ac333d3d4), published through docker-proxy PID 13579 and 1 more");
    }

    @Test
    void onlyNamesAndShortIdsDockerWouldGiveAreKept() {
        assertThat(PublishingContainer.of(List.of("/other/alias", "/web"), "4d7ac333d3d47297e3946900be65c0636111fec4"))
            .contains(WEB);
        assertThat(PublishingContainer.of(List.of("/we\u001b[31mb"), "4d7ac333d3d4")).isEmpty();
        assertThat(PublishingContainer.of(List.of("/web"), "../../etc")).isEmpty();
        assertThat(PublishingContainer.of(List.of(), "4d7ac333d3d4")).isEmpty();
    }

}
