package com.virtuoso.ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PortSelectorTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final PortSelector selector = new PortSelector(new BindFailureClassifier(PortPrivileges.detect()),
            new PortHolderLookup(), Clock.systemUTC());

    private final List<ServerSocket> bound = new ArrayList<>();

    private final List<String> warnings = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (ServerSocket socket : bound) {
            socket.close();
        }
    }

    @Test
    void bindsAFreePrimary() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        PortSelection selection = select(new PortCandidates(ports.get(0), List.of(ports.get(1)), true));
        assertThat(selection.activePort()).isEqualTo(ports.get(0));
        assertThat(selection.fellBack()).isFalse();
        assertThat(selection.attempts()).extracting(PortAttempt::outcome).containsExactly(BindOutcome.BOUND);
        assertThat(warnings).isEmpty();
    }

    @Test
    void fallsBackPastEveryTakenPortAndNamesItsHolder() throws Exception {
        List<Integer> ports = FreePorts.pick(3);
        try (ListenerProcess first = ListenerProcess.start("127.0.0.1", ports.get(0));
                ListenerProcess second = ListenerProcess.start("127.0.0.1", ports.get(1))) {
            PortSelection selection = select(new PortCandidates(ports.get(0), ports.subList(1, 3), true));
            assertThat(selection.activePort()).isEqualTo(ports.get(2));
            assertThat(selection.fellBack()).isTrue();
            assertThat(selection.attempts()).extracting(PortAttempt::outcome)
                .containsExactly(BindOutcome.IN_USE, BindOutcome.IN_USE, BindOutcome.BOUND);
            assertThat(selection.attempts().get(0).holder().pid()).isEqualTo(first.pid());
            assertThat(selection.attempts().get(1).holder().pid()).isEqualTo(second.pid());
            assertThat(warnings).containsExactly(ports.get(0) + " -> " + ports.get(1), ports.get(1) + " -> " + ports.get(2));
        }
    }

    @Test
    void aPortTakenBetweenAnyCheckAndTheBindIsOneMoreAttempt() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        List<ServerSocket> competitors = new ArrayList<>();
        PortSelector.Bind racingBind = (port) -> {
            if (competitors.isEmpty()) {
                // a competitor wins the port in the instant before our real bind
                competitors.add(bindSocket(port));
            }
            return bindSocket(port).getLocalPort();
        };
        try {
            PortSelection selection = selector.select(LOOPBACK,
                    new PortCandidates(ports.get(0), List.of(ports.get(1)), true), racingBind, (attempt, next) -> {
                    });
            assertThat(selection.activePort()).isEqualTo(ports.get(1));
            assertThat(selection.attempts().get(0).outcome()).isEqualTo(BindOutcome.IN_USE);
            assertThat(selection.attempts().get(0).holder().pid()).isEqualTo(ProcessHandle.current().pid());
        }
        finally {
            for (ServerSocket competitor : competitors) {
                competitor.close();
            }
        }
    }

    @Test
    void aHolderLookupThatMeetsAnOddProcMakesTheHolderUnknownAndTheFallbackGoesOn(@TempDir Path proc)
            throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        bindSocket(ports.get(0));
        // the kernel's table as a fake /proc shows it: a uid no int holds, a row torn in half
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), "  sl  local_address rem_address   st\n"
                + String.format("   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000 "
                        + "4294967295 0 4242 1%n", ports.get(0))
                + String.format("   1: 0100007F:%04X 00000000:0000 0A", ports.get(0)));
        PortSelector faulty = new PortSelector(new BindFailureClassifier(PortPrivileges.detect()),
                new PortHolderLookup(proc, proc.resolve("no-passwd")), Clock.systemUTC());
        PortSelection selection = faulty.select(LOOPBACK, new PortCandidates(ports.get(0), List.of(ports.get(1)), true),
                (port) -> bindSocket(port).getLocalPort(), (attempt, next) -> warnings.add(attempt.detail()));
        assertThat(selection.activePort()).isEqualTo(ports.get(1));
        assertThat(selection.attempts().get(0).outcome()).isEqualTo(BindOutcome.IN_USE);
        assertThat(selection.attempts().get(0).holder()).isNull();
        assertThat(warnings).singleElement().asString().contains("unknown process", "uid 4294967295");
    }

    @Test
    void aBindFailureThatCannotBeClassifiedIsUnknownNotInUseAndTheFallbackGoesOn() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        bindSocket(ports.get(0));
        PortSelector unsure = new PortSelector(
                UnclassifiableBindFailures.classifier(new IllegalStateException("no route to the kernel's tables")),
                new PortHolderLookup(), Clock.systemUTC());
        PortSelection selection = unsure.select(LOOPBACK,
                new PortCandidates(ports.get(0), List.of(ports.get(1)), true), (port) -> bindSocket(port).getLocalPort(),
                (attempt, next) -> warnings.add(attempt.detail()));
        assertThat(selection.activePort()).isEqualTo(ports.get(1));
        PortAttempt unknown = selection.attempts().get(0);
        assertThat(unknown.outcome()).isEqualTo(BindOutcome.UNKNOWN);
        assertThat(unknown.holder()).isNull();
        // the OS's own words are the one verified fact; nothing claims the port is in use
        assertThat(unknown.detail()).isEqualTo("not bindable (why could not be verified): "
                + bindFailureMessage(ports.get(0))
                + " (telling why failed: IllegalStateException: no route to the kernel's tables)");
        assertThat(selection.count(BindOutcome.UNKNOWN)).isOne();
        assertThat(selection.count(BindOutcome.IN_USE)).isZero();
        assertThat(warnings).containsExactly(unknown.detail());
    }

    @Test
    void theMessagesOfAnUnclassifiedFailureAreMaskedAndShort() throws Exception {
        int taken = FreePorts.pick();
        bindSocket(taken);
        String secret = "ghp_" + "a".repeat(36);
        PortSelector unsure = new PortSelector(UnclassifiableBindFailures.classifier(
                new IllegalStateException("token " + secret + "\n" + "x".repeat(2000) + "\u001b[2J")),
                new PortHolderLookup(), Clock.systemUTC());
        PortAttempt attempt = unsure.tryBind(LOOPBACK, taken, (port) -> bindSocket(port).getLocalPort());
        assertThat(attempt.outcome()).isEqualTo(BindOutcome.UNKNOWN);
        assertThat(attempt.detail()).doesNotContain(secret).doesNotContain("\n", "\u001b").hasSizeLessThan(600);
    }

    @Test
    void zeroLetsTheOsPickAPort() throws Exception {
        int taken = FreePorts.pick();
        bindSocket(taken);
        PortSelection selection = select(new PortCandidates(taken, List.of(0), true));
        assertThat(selection.activePort()).isPositive().isNotEqualTo(taken);
        assertThat(selection.attempts()).extracting(PortAttempt::port).containsExactly(taken, 0);
    }

    @Test
    void exhaustedWhenEveryCandidateIsTaken() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess first = ListenerProcess.start("127.0.0.1", ports.get(0));
                ListenerProcess second = ListenerProcess.start("127.0.0.1", ports.get(1))) {
            assertThatExceptionOfType(PortsExhaustedException.class)
                .isThrownBy(() -> select(new PortCandidates(ports.get(0), List.of(ports.get(1)), true)))
                .satisfies((ex) -> {
                    assertThat(ex.result()).isEqualTo(ConflictResult.EXHAUSTED);
                    assertThat(ex.getMessage()).isEqualTo("All ports exhausted. Tried: " + ports);
                    assertThat(ex.attempts()).extracting((attempt) -> attempt.holder().pid())
                        .containsExactly(first.pid(), second.pid());
                });
        }
    }

    @Test
    void strictModeFailsOnTheTakenPrimaryWithoutTryingFallbacks() throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        bindSocket(ports.get(0));
        assertThatExceptionOfType(PortsExhaustedException.class)
            .isThrownBy(() -> select(new PortCandidates(ports.get(0), List.of(ports.get(1)), false)))
            .satisfies((ex) -> {
                assertThat(ex.result()).isEqualTo(ConflictResult.CONFLICT_STRICT);
                assertThat(ex.attempts()).extracting(PortAttempt::port).containsExactly(ports.get(0));
            });
    }

    @Test
    void aFailureOtherThanABindIsNotAFallbackReason() {
        PortSelector.Bind broken = (port) -> {
            throw new IllegalStateException("executor failed");
        };
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> selector.select(LOOPBACK,
                new PortCandidates(FreePorts.pick(), List.of(), true), broken, (attempt, next) -> {
                }));
    }

    private PortSelection select(PortCandidates candidates) throws Exception {
        return selector.select(LOOPBACK, candidates, (port) -> bindSocket(port).getLocalPort(),
                (attempt, next) -> warnings.add(attempt.port() + " -> " + next));
    }

    /** What the OS says when {@code port}, taken, is bound again, in this machine's words and locale. */
    private static String bindFailureMessage(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            throw new AssertionError("port " + port + " was expected to be taken");
        }
        catch (IOException ex) {
            return ex.getMessage();
        }
    }

    private ServerSocket bindSocket(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(LOOPBACK, port));
        }
        catch (IOException ex) {
            socket.close();
            throw ex;
        }
        bound.add(socket);
        return socket;
    }

}
