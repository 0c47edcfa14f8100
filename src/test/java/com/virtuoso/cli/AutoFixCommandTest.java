package com.virtuoso.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.UnclassifiableBindFailures;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.HandOverListener;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ports auto-fix}: stops only our own registered servers; moves the port away from anyone else.
 */
class AutoFixCommandTest {

    @TempDir
    Path directory;

    @Test
    void aFreePortNeedsNothing() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        CliRun run = CliRun.of("auto-fix", "--yes", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("is free: the next start will use it");
    }

    @Test
    void aForeignProcessIsNeverStoppedTheConfigMovesInstead() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        String before = Files.readString(config);
        try (ListenerProcess foreign = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            CliRun dryRun = CliRun.of("auto-fix", "--dry-run", "--config", config.toString());
            assertThat(dryRun.exitCode()).isOne();
            assertThat(dryRun.out()).contains("will not be stopped", "Set web_server.port to " + ports.get(1), "Dry run");
            assertThat(Files.readString(config)).isEqualTo(before);

            CliRun unconfirmed = CliRun.of("auto-fix", "--config", config.toString());
            assertThat(unconfirmed.exitCode()).isOne();
            assertThat(unconfirmed.out()).contains("ports update-config " + ports.get(1));
            assertThat(Files.readString(config)).isEqualTo(before);

            CliRun fixed = CliRun.of("auto-fix", "--yes", "--config", config.toString());
            assertThat(fixed.exitCode()).isZero();
            assertThat(fixed.out()).contains("The next start will use " + ports.get(1));
            assertThat(foreign.isAlive()).isTrue();
            assertThat(Files.readString(config))
                .isEqualTo(before.replace("port: " + ports.get(0), "port: " + ports.get(1)));
        }
    }

    @Test
    void aBindFailureWhoseCauseCannotBeToldClaimsNoHolder() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        String before = Files.readString(config);
        PortHolderLookup lookup = new PortHolderLookup();
        PortTools tools = new PortTools(PortPrivileges.detect(), lookup,
                new PortProbe(UnclassifiableBindFailures.classifier(new IllegalStateException("odd")), lookup),
                directory.resolve("state"));
        try (ListenerProcess foreign = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            CliRun run = CliRun.withTools(tools, "auto-fix", "--dry-run", "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("Port " + ports.get(0) + " is not bindable (why could not be verified")
                .contains("Set web_server.port to " + ports.get(1))
                .doesNotContain("held by");
            assertThat(Files.readString(config)).isEqualTo(before);
        }
    }

    @Test
    void aPortFromTheEnvironmentIsNamedAndNothingChanges() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        String before = Files.readString(config);
        try (ListenerProcess foreign = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            CliRun run = CliRun.in(Map.of("SERVER_PORT", ports.get(0).toString()), "auto-fix", "--yes", "--json",
                    "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("\"done\":false", "environment variable SERVER_PORT",
                    "Fix: set SERVER_PORT=" + ports.get(1));
            assertThat(Files.readString(config)).isEqualTo(before);
            assertThat(foreign.isAlive()).isTrue();
        }
    }

    @Test
    void theFileKeyThatSuppliesThePortIsTheOneMoved() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        String before = Files.readString(config);
        Files.writeString(config, before + "server:\n  port: " + ports.get(0) + "\n");
        try (ListenerProcess foreign = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            CliRun run = CliRun.in(Map.of(), "auto-fix", "--yes", "--config", config.toString());
            assertThat(run.exitCode()).as(run.out()).isZero();
            assertThat(run.out()).contains("Set server.port to " + ports.get(1));
            assertThat(Files.readString(config)).isEqualTo(before + "server:\n  port: " + ports.get(1) + "\n");
        }
    }

    @Test
    void aPortSetInAPropertiesFileIsMovedOnItsLine() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = directory.resolve("application.properties");
        String before = "# ops\nweb_server.host=127.0.0.1\nserver.port = " + ports.get(0) + "\nweb_server.fallback_ports="
                + ports.get(1) + "\nweb_server.state_dir=" + directory.resolve("state") + "\n";
        Files.writeString(config, before);
        try (ListenerProcess foreign = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            CliRun run = CliRun.in(Map.of(), "auto-fix", "--yes", "--config", config.toString());
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("Set server.port to " + ports.get(1));
            assertThat(foreign.isAlive()).isTrue();
            assertThat(Files.readString(config))
                .isEqualTo(before.replace("server.port = " + ports.get(0), "server.port = " + ports.get(1)));
        }
    }

    @Test
    void ourOwnRegisteredServerIsStopped() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        String before = Files.readString(config);
        try (ListenerProcess server = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            registerAsVirtuoso(server.pid(), ports.get(0), config);
            CliRun run = CliRun.of("auto-fix", "--yes", "--config", config.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("Stopped Virtuoso " + server.pid());
            assertThat(server.awaitExit(Duration.ofSeconds(10))).isTrue();
            assertThat(Files.readString(config)).isEqualTo(before);
        }
    }

    @Test
    void aChildThatTookOurServersSocketOverIsNamedNotWaitedFor() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        try (HandOverListener server = HandOverListener.start("127.0.0.1", ports.get(0))) {
            registerAsVirtuoso(server.pid(), ports.get(0), config);
            CliRun run = CliRun.of("auto-fix", "--yes", "--timeout", "60", "--config", config.toString());
            long child = server.child().orElseThrow();
            assertThat(run.exitCode()).as(run.out()).isOne();
            assertThat(run.out()).contains("is held by " + child + " now: not among the servers stopped, and sent no signal")
                .doesNotContain("after 60 s");
        }
    }

    @Test
    void aVirtuosoOfAnotherDeploymentIsLeftAloneTheConfigMovesInstead() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        Path otherConfig = Files.writeString(directory.resolve("other.yaml"), "web_server:\n");
        String before = Files.readString(config);
        try (ListenerProcess server = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            registerAsVirtuoso(server.pid(), ports.get(0), otherConfig);
            CliRun run = CliRun.of("auto-fix", "--yes", "--config", config.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("a Virtuoso server of another deployment (config " + otherConfig + ")")
                .contains("The next start will use " + ports.get(1));
            assertThat(server.isAlive()).isTrue();
            assertThat(Files.readString(config))
                .isEqualTo(before.replace("port: " + ports.get(0), "port: " + ports.get(1)));
        }
    }

    @Test
    void ourServerRegisteredOnAnotherPortIsNotStoppedForThisOne() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        Path config = config(ports);
        try (ListenerProcess server = ListenerProcess.start("127.0.0.1", ports.get(0))) {
            registerAsVirtuoso(server.pid(), ports.get(1), config);
            CliRun run = CliRun.of("auto-fix", "--dry-run", "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("your Virtuoso server registered on port " + ports.get(1))
                .contains("will not be stopped");
            assertThat(server.isAlive()).isTrue();
        }
    }

    /** Registers {@code pid} in the test's state directory as a Virtuoso server on {@code port} with {@code config}. */
    private void registerAsVirtuoso(long pid, int port, Path config) throws Exception {
        Instant started = ProcessHandle.of(pid).orElseThrow().info().startInstant().orElseThrow();
        new InstanceRegistry(StateDirectory.open(directory.resolve("state"))).register(new InstanceRecord(pid, started,
                "127.0.0.1", port, port, "test", directory.toString(), config.toString()));
    }

    private Path config(List<Integer> ports) throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  host: \"127.0.0.1\"\n  port: " + ports.get(0) + "\n  fallback_ports: ["
                + ports.get(1) + "]\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        return config;
    }

}
