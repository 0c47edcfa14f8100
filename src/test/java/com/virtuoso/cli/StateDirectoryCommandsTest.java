package com.virtuoso.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.testing.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands that read the state directory, when it is refused and when its records lie.
 */
class StateDirectoryCommandsTest {

    @TempDir
    Path directory;

    private Path state;

    private Path config;

    private int port;

    @BeforeEach
    void writeConfig() throws Exception {
        port = FreePorts.pick();
        state = directory.resolve("state");
        config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port + "\n  state_dir: \"" + state
                + "\"\n");
    }

    @Test
    void listAndAutoFixNeedTheStateDirectoryAndExit78WhenItIsRefused() throws Exception {
        Files.createDirectory(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxr-x"));
        for (String command : new String[] { "list", "auto-fix" }) {
            CliRun run = CliRun.of(command, "--config", config.toString());
            assertThat(run.exitCode()).isEqualTo(78);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("State directory " + state + " is writable by group or others")
                .contains("Fix: chmod 700 " + state)
                .hasLineCount(1);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwxrwxr-x");
    }

    @Test
    void checkWarnsAboutARefusedStateDirectoryAndGoesOn() throws Exception {
        Files.createSymbolicLink(state, Files.createDirectory(directory.resolve("real")));
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun run = CliRun.of("check", Integer.toString(port), "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("PID " + ProcessHandle.current().pid()).doesNotContain("[Virtuoso]");
            assertThat(run.err()).startsWith("warning: State directory " + state + " is a symbolic link")
                .hasLineCount(1);
        }
    }

    @Test
    void listRemovesExactlyTheFileItReadWhenItsNameDoesNotMatchItsPid() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        Instant started = self.info().startInstant().orElseThrow();
        registry.register(new InstanceRecord(self.pid(), started, "127.0.0.1", port, port, "test", "/", null));
        Path misnamed = state.resolve("instances/" + (self.pid() + 1) + ".json");
        Files.move(registry.fileOf(self.pid()), misnamed);
        registry.register(new InstanceRecord(self.pid(), started, "127.0.0.1", port, port, "test", "/", null));
        CliRun run = CliRun.of("list", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Removed stale entry: PID " + self.pid() + " (port " + port + "): file "
                + misnamed.getFileName() + " does not match the PID it names");
        assertThat(misnamed).doesNotExist();
        assertThat(registry.fileOf(self.pid())).exists();
    }

}
