package com.virtuoso.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(strings = { "a symbolic link", "a file" })
    void anInstancesThatIsNotADirectoryIsRefused(String what) throws Exception {
        Files.createDirectory(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path instances = state.resolve("instances");
        Path elsewhere = Files.createDirectory(directory.resolve("elsewhere"));
        if (what.equals("a file")) {
            Files.writeString(instances, "not a directory\n");
        }
        else {
            Files.createSymbolicLink(instances, elsewhere);
        }
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            for (String command : new String[] { "list", "auto-fix" }) {
                CliRun run = CliRun.of(command, "--config", config.toString());
                assertThat(run.exitCode()).as(command).isEqualTo(78);
                assertThat(run.err()).startsWith("Instance registry " + instances + " is a symbolic link or a file")
                    .contains("Fix: remove " + instances)
                    .doesNotContain("Exception")
                    .hasLineCount(1);
            }
            CliRun check = CliRun.of("check", Integer.toString(port), "--config", config.toString());
            assertThat(check.exitCode()).isOne();
            assertThat(check.err()).startsWith("warning: Instance registry " + instances).hasLineCount(1);
        }
        try (var inElsewhere = Files.list(elsewhere)) {
            assertThat(inElsewhere).isEmpty();
        }
    }

    @Test
    void unreadableRecordsAreSkippedWithOneWarningEach() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        Instant started = self.info().startInstant().orElseThrow();
        registry.register(new InstanceRecord(self.pid(), started, "127.0.0.1", port, port, "test", "/", null));
        Path instances = state.resolve("instances");
        Path directoryEntry = Files.createDirectory(instances.resolve("123.json"));
        Path fifo = instances.resolve("456.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        for (String command : new String[] { "list", "check" }) {
            String[] args = command.equals("list") ? new String[] { "list", "--config", config.toString() }
                    : new String[] { "check", Integer.toString(port), "--config", config.toString() };
            CliRun run;
            try (ServerSocket held = new ServerSocket()) {
                held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                run = CliRun.of(args);
            }
            assertThat(run.exitCode()).as(command).isEqualTo(command.equals("list") ? 0 : 1);
            assertThat(run.err().lines()).as(command)
                .containsExactlyInAnyOrder(
                        "warning: Instance record " + directoryEntry + " is not a regular file; it is skipped. Fix: "
                                + "remove it if no server of yours runs under that pid",
                        "warning: Instance record " + fifo + " is not a regular file; it is skipped. Fix: remove it "
                                + "if no server of yours runs under that pid");
        }
        assertThat(CliRun.of("list", "--config", config.toString()).out()).contains(Long.toString(self.pid()));
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
