package com.virtuoso.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.FakeProc;
import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.UnclassifiableBindFailures;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.HandOverListener;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ports kill} against listener processes this test starts, and only those.
 */
class KillCommandTest {

    @TempDir
    Path directory;

    private Path config;

    private int port;

    @BeforeEach
    void writeConfig() throws IOException {
        port = FreePorts.pick();
        config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \"" + directory + "\"\n");
    }

    @Test
    void stopsTheListenerWithSigtermAndVerifiesThePortIsFree() throws Exception {
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            CliRun run = kill("--yes");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("Port " + port + " is free now.");
            assertThat(listener.awaitExit(Duration.ofSeconds(10))).isTrue();
            assertThat(new PortHolderLookup().lookup(port).holders()).isEmpty();
        }
    }

    @Test
    void aConnectedClientIsNeverATarget() throws Exception {
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port);
                Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            JsonNode report = JsonMapper.shared().readTree(kill("--dry-run", "--json").out());
            assertThat(report.get("holders")).hasSize(1);
            assertThat(report.get("holders").get(0).get("pid").asLong()).isEqualTo(listener.pid());
            assertThat(report.get("action").asString()).isEqualTo("dry-run");
            assertThat(listener.isAlive()).isTrue();
        }
    }

    @Test
    void withoutATerminalItRefusesUnlessYes() throws Exception {
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            CliRun run = kill();
            assertThat(run.exitCode()).isOne();
            assertThat(run.err()).contains("without confirmation: there is no terminal").contains("--yes");
            assertThat(listener.isAlive()).isTrue();
        }
    }

    @Test
    void aProcessIgnoringSigtermNeedsForce() throws Exception {
        try (ListenerProcess stubborn = ListenerProcess.startIgnoringSigterm("127.0.0.1", port)) {
            CliRun gentle = kill("--yes", "--timeout", "1");
            assertThat(gentle.exitCode()).isOne();
            assertThat(gentle.out()).contains("is still held by:").contains("PID " + stubborn.pid())
                .contains("Pass --force to send SIGKILL");
            assertThat(stubborn.isAlive()).isTrue();

            CliRun forced = kill("--yes", "--timeout", "1", "--force");
            assertThat(forced.exitCode()).isZero();
            assertThat(forced.out()).contains("is free now");
            assertThat(stubborn.awaitExit(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aChildThatTookTheSocketOverIsNamedNotSaidToSurviveSigkill() throws Exception {
        try (HandOverListener listener = HandOverListener.start("127.0.0.1", port)) {
            long started = System.nanoTime();
            CliRun forced = kill("--yes", "--timeout", "60", "--force");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            long child = listener.child().orElseThrow();

            assertThat(forced.exitCode()).as(forced.out()).isOne();
            assertThat(forced.out()).contains("is still held by:")
                .contains("PID " + child + " was sent no signal")
                .doesNotContain("PID " + listener.pid() + " was sent no signal")
                .contains("run ports kill " + port + " again")
                .doesNotContain("survived SIGKILL");
            assertThat(ProcessHandle.of(child)).get().matches(ProcessHandle::isAlive);
            // nothing is waited for once only the child, never signalled, holds the port: not the 60 s
            assertThat(took).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void refusesToStopItself() throws Exception {
        try (ServerSocket mine = new ServerSocket()) {
            mine.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun run = kill("--yes");
            assertThat(run.exitCode()).isEqualTo(KillCommand.REFUSED);
            assertThat(run.err()).contains("is this command itself");
            assertThat(mine.isClosed()).isFalse();
        }
    }

    @Test
    void refusesPidOneAncestorsAndOtherUsers() {
        ListenerShutdown shutdown = new ListenerShutdown(new PortHolderLookup(), "alice");
        Instant now = Instant.now();
        assertThat(shutdown.refusal(new PortHolder(1, "root", now, "/sbin/init"), true)).get().asString()
            .contains("init process");
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertThat(shutdown.refusal(new PortHolder(parent, "alice", now, "mvn"), true)).get().asString()
            .contains("ancestor");
        assertThat(shutdown.refusal(new PortHolder(999_999, "bob", now, "nc -l"), false)).get().asString()
            .contains("belongs to bob").contains("--force");
        assertThat(shutdown.refusal(new PortHolder(999_999, "bob", now, "nc -l"), true)).isEmpty();
        assertThat(shutdown.refusal(new PortHolder(999_999, "alice", now, "nc -l"), false)).isEmpty();
    }

    @Test
    void aProcessWhoseStartTimeCannotBeReadIsNeverSignalled() throws Exception {
        ListenerShutdown shutdown = new ListenerShutdown(new PortHolderLookup(), System.getProperty("user.name"));
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            PortHolder unknownStart = new PortHolder(listener.pid(), System.getProperty("user.name"), null, "java");
            assertThat(shutdown.refusal(unknownStart, true)).get()
                .asString()
                .contains("start time of PID " + listener.pid() + " cannot be read")
                .contains("nothing is sent");
            ListenerShutdown.Result result = shutdown.stop(port, List.of(unknownStart), Duration.ofMillis(200), true);
            assertThat(result.free()).isFalse();
            assertThat(result.killed()).isEmpty();
            assertThat(listener.isAlive()).isTrue();
        }
    }

    @Test
    void nobodyListeningIsSuccess() {
        CliRun run = kill("--yes");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Nobody listens on port " + port);
    }

    @Test
    void aListenerThisUserCannotSeeIsNeverCalledFree() throws Exception {
        Path proc = directory.resolve("proc");
        FakeProc.hiddenListener(proc, port, 65534);
        try (ServerSocket hidden = new ServerSocket()) {
            hidden.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun run = killSeeing(proc, "--yes");
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("Nothing was stopped, and port " + port + " is not known to be free")
                .contains("in use on 127.0.0.1, by a listener this user cannot see")
                .contains("uid 65534")
                .doesNotContain("Nobody listens");
            assertThat(hidden.isClosed()).isFalse();
        }
    }

    @Test
    void aBindFailureWhoseCauseCannotBeToldIsNeitherFreeNorInUse() throws Exception {
        Path proc = Files.createDirectories(directory.resolve("no-proc"));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun run = killSeeing(proc, UnclassifiableBindFailures.classifier(new IllegalStateException("odd")),
                    "--yes", "--json");
            assertThat(run.exitCode()).isOne();
            JsonNode report = JsonMapper.shared().readTree(run.out());
            assertThat(report.get("action").asString()).isEqualTo("unseen");
            assertThat(report.get("free").asBoolean()).isFalse();
            assertThat(report.get("reasons").get(0).asString())
                .contains("cannot be bound on 127.0.0.1, and why could not be verified: ")
                .contains("(telling why failed: IllegalStateException: odd)")
                .doesNotContain("is in use", "in use by");
            assertThat(taken.isClosed()).isFalse();
        }
    }

    @Test
    void withoutProcAFreeBindIsNotEnoughToCallThePortFree() throws Exception {
        Path proc = Files.createDirectories(directory.resolve("no-proc"));
        CliRun run = killSeeing(proc, "--yes", "--json");
        assertThat(run.exitCode()).isOne();
        JsonNode report = JsonMapper.shared().readTree(run.out());
        assertThat(report.get("action").asString()).isEqualTo("unseen");
        assertThat(report.get("free").asBoolean()).isFalse();
        assertThat(report.get("reasons").get(0).asString()).contains("can be bound on 127.0.0.1")
            .contains("cannot be ruled out")
            .contains("no /proc/net/tcp");
    }

    @ParameterizedTest
    @ValueSource(strings = { "-1", "3601", "99999999999999" })
    void aTimeoutOutside0To3600IsAUsageError(String timeout) throws Exception {
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            CliRun run = kill("--yes", "--timeout", timeout);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--timeout must be from 0 to 3600 seconds, not " + timeout)
                .doesNotContain("Exception");
            assertThat(listener.isAlive()).isTrue();
            CliRun autoFix = CliRun.of("auto-fix", "--config", config.toString(), "--yes", "--timeout", timeout);
            assertThat(autoFix.exitCode()).isEqualTo(2);
            assertThat(autoFix.err()).contains("--timeout must be from 0 to 3600 seconds");
        }
    }

    /** {@code kill} with a holder lookup that reads {@code proc} instead of {@code /proc}. */
    private CliRun killSeeing(Path proc, String... options) {
        return killSeeing(proc, new BindFailureClassifier(PortPrivileges.detect()), options);
    }

    /** {@code kill} with a fake {@code /proc} and {@code classifier} to tell why a bind failed. */
    private CliRun killSeeing(Path proc, BindFailureClassifier classifier, String... options) {
        PortHolderLookup lookup = FakeProc.lookup(proc);
        PortPrivileges privileges = PortPrivileges.detect();
        PortProbe probe = new PortProbe(classifier, lookup);
        PortTools tools = new PortTools(privileges, lookup, probe, directory);
        String[] args = new String[options.length + 4];
        args[0] = "kill";
        args[1] = Integer.toString(port);
        args[2] = "--config";
        args[3] = config.toString();
        System.arraycopy(options, 0, args, 4, options.length);
        return CliRun.withTools(tools, args);
    }

    private CliRun kill(String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "kill";
        args[1] = Integer.toString(port);
        args[2] = "--config";
        args[3] = config.toString();
        System.arraycopy(options, 0, args, 4, options.length);
        return CliRun.of(args);
    }

}
