package com.virtuoso.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.FakeProc;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PublishingContainer;
import com.virtuoso.ports.PublishingContainers;
import com.virtuoso.testing.FakeDockerEngine;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check}, {@code kill} and {@code auto-fix} on a port held by {@code docker-proxy}: a
 * listener this test starts under that name, and an engine on a unix socket answering as Docker
 * 20.10 did for a container {@code vt-manual}, found through {@code DOCKER_HOST} as the commands'
 * environment gives it.
 */
class PublishedPortCommandsTest {

    @TempDir
    Path directory;

    private List<Integer> ports;

    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        ports = FreePorts.pick(2);
        config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  host: \"127.0.0.1\"\n  port: " + ports.get(0)
                + "\n  fallback_ports: [" + ports.get(1) + "]\n  state_dir: \"" + directory.resolve("state") + "\"\n");
    }

    @Test
    void checkNamesTheContainerThatPublishesThePort() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "published.http",
                ports.get(0));
                ListenerProcess proxy = dockerProxy()) {
            CliRun run = run(engine.socket(), "check", port());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("PID " + proxy.pid())
                .contains("Held for a container: Docker container vt-manual (4d7ac333d3d4), published through "
                        + "docker-proxy PID " + proxy.pid() + ".")
                .contains("To free it: docker stop vt-manual");
            JsonNode published = JsonMapper.shared().readTree(run(engine.socket(), "check", port(), "--json").out())
                .get("published");
            assertThat(published.get("pid").asLong()).isEqualTo(proxy.pid());
            assertThat(published.get("forwarder").asString()).isEqualTo("docker-proxy");
            assertThat(published.get("containers").get(0).get("name").asString()).isEqualTo("vt-manual");
            assertThat(published.get("containers").get(0).get("id").asString()).isEqualTo("4d7ac333d3d4");
            assertThat(published.get("stopCommand").asString()).isEqualTo("docker stop vt-manual");
        }
    }

    @Test
    void killRefusesToSignalTheProxyEvenWithForceAndPrintsDockerStop() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "published.http",
                ports.get(0));
                ListenerProcess proxy = dockerProxy()) {
            CliRun run = run(engine.socket(), "kill", port(), "--yes", "--force", "--timeout", "0");
            assertThat(run.exitCode()).isEqualTo(KillCommand.REFUSED);
            assertThat(run.err()).contains("Refused: PID " + proxy.pid() + " is docker-proxy, which holds port "
                    + ports.get(0) + " for Docker container vt-manual (4d7ac333d3d4)")
                .contains("stop the container instead: docker stop vt-manual");
            assertThat(proxy.isAlive()).isTrue();
        }
    }

    @Test
    void withoutAnEngineToAskItIsADockerPublishedPortAndNoMore() throws Exception {
        try (ListenerProcess proxy = dockerProxy()) {
            CliRun check = run(directory.resolve("no-engine.sock"), "check", port());
            assertThat(check.out()).contains("Held for a container: a Docker-published port (docker-proxy PID "
                    + proxy.pid() + ").")
                .contains("To name the container: docker ps --filter publish=" + ports.get(0))
                .doesNotContain("vt-manual");
            CliRun kill = run(directory.resolve("no-engine.sock"), "kill", port(), "--yes");
            assertThat(kill.exitCode()).isEqualTo(KillCommand.REFUSED);
            assertThat(kill.err()).contains("docker ps --filter publish=" + ports.get(0) + " names it, then docker "
                    + "stop NAME");
            assertThat(proxy.isAlive()).isTrue();
        }
    }

    @Test
    void autoFixSignalsNothingAndMovesThePortNamingTheContainer() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.recorded(directory.resolve("docker.sock"), "published.http",
                ports.get(0));
                ListenerProcess proxy = dockerProxy()) {
            CliRun run = run(engine.socket(), "auto-fix", "--yes");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("Port " + ports.get(0) + " is held by Docker container vt-manual "
                    + "(4d7ac333d3d4), published through docker-proxy PID " + proxy.pid() + ", which will not be "
                    + "stopped (stop the container instead: docker stop vt-manual)")
                .contains("The next start will use " + ports.get(1));
            assertThat(proxy.isAlive()).isTrue();
        }
    }

    @Test
    void aProxyThisUserCannotSeeIsNamedByTheEngineInCheckKillAndAutoFix() throws Exception {
        // as a user who is not root sees docker-proxy: a LISTEN row owned by root and no process
        Path proc = directory.resolve("proc");
        FakeProc.hiddenListener(proc, ports.get(0), 0);
        PublishingContainers engine = (asked, addresses) -> (asked == ports.get(0))
                ? List.of(new PublishingContainer("vt-manual", "4d7ac333d3d4")) : List.of();
        PortHolderLookup lookup = FakeProc.lookup(proc, engine);
        PortTools tools = new PortTools(PortPrivileges.detect(), lookup,
                new PortProbe(new BindFailureClassifier(PortPrivileges.detect()), lookup), directory.resolve("state"));
        String container = "Docker container vt-manual (4d7ac333d3d4), published through a listener of root this "
                + "user cannot see";
        try (ServerSocket proxy = new ServerSocket()) {
            proxy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ports.get(0)));
            CliRun check = CliRun.withTools(tools, "check", port(), "--config", config.toString());
            assertThat(check.exitCode()).isOne();
            assertThat(check.out()).contains("Held for a container: " + container + ".")
                .contains("To free it: docker stop vt-manual");
            CliRun kill = CliRun.withTools(tools, "kill", port(), "--config", config.toString(), "--yes", "--force");
            assertThat(kill.exitCode()).isEqualTo(KillCommand.REFUSED);
            assertThat(kill.err()).contains("port " + ports.get(0) + " is held by a listener of root this user "
                    + "cannot see, for Docker container vt-manual (4d7ac333d3d4)")
                .contains("stop the container instead: docker stop vt-manual");
            CliRun autoFix = CliRun.withTools(tools, "auto-fix", "--config", config.toString(), "--yes");
            assertThat(autoFix.exitCode()).isZero();
            assertThat(autoFix.out()).contains("Port " + ports.get(0) + " is held by " + container
                    + ", which will not be stopped (stop the container instead: docker stop vt-manual)");
            assertThat(proxy.isClosed()).isFalse();
        }
    }

    private ListenerProcess dockerProxy() throws Exception {
        return ListenerProcess.startAs("docker-proxy", Files.createDirectories(directory.resolve("bin")), "127.0.0.1",
                ports.get(0));
    }

    private String port() {
        return Integer.toString(ports.get(0));
    }

    /** The command as {@code ports} runs it, with {@code DOCKER_HOST} naming {@code socket}. */
    private CliRun run(Path socket, String... args) {
        String[] withConfig = new String[args.length + 2];
        System.arraycopy(args, 0, withConfig, 0, args.length);
        withConfig[args.length] = "--config";
        withConfig[args.length + 1] = config.toString();
        return CliRun.in(Map.of("DOCKER_HOST", "unix://" + socket), withConfig);
    }

}
