package com.virtuoso.ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ListenerShutdownTest {

    private final PortHolderLookup lookup = new PortHolderLookup();

    @Test
    void aNewcomerIsAProcessKnownToBeAnotherNotOneWhoseStartCouldNotBeRead() {
        Instant start = Instant.parse("2026-11-28T01:00:00Z");
        PortHolder stopped = new PortHolder(4242, "alice", start, 1000L, "server");
        PortHolder leaving = new PortHolder(4242, "unknown", null, null, "server"); // exited before its start was read
        PortHolder reused = new PortHolder(4242, "alice", start.plusSeconds(5), 1500L, "other");
        PortHolder child = new PortHolder(4343, "alice", start.plusSeconds(5), 1500L, "server");
        PortHolder same = new PortHolder(4242, "alice", start, 1000L, "server");
        assertThat(ListenerShutdown.newcomers(List.of(leaving, reused, child, same), List.of(stopped)))
            .containsExactly(reused, child);
    }

    @Test
    void aSignalThatCannotBeSentIsReportedNotWaitedOut() throws Exception {
        int port = FreePorts.pick();
        String user = System.getProperty("user.name");
        // as root every signal goes out: the OS refusing it (EPERM) is played by the seam
        ListenerShutdown shutdown = new ListenerShutdown(lookup, user, (process, kill) -> false);
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            List<PortHolder> holders = lookup.lookup(port).holders();
            ListenerShutdown.Result result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> shutdown.stop(port, holders, Duration.ofSeconds(60), true));
            assertThat(result.free()).isFalse();
            assertThat(result.killed()).isEmpty();
            assertThat(result.remaining()).extracting(PortHolder::pid).containsExactly(listener.pid());
            assertThat(result.unsent()).containsExactly(
                    "SIGTERM could not be sent to PID " + listener.pid() + " (" + user
                            + "): the OS does not permit it; run as " + user + " or root",
                    "SIGKILL could not be sent to PID " + listener.pid() + " (" + user
                            + "): the OS does not permit it; run as " + user + " or root");
            assertThat(listener.isAlive()).isTrue();
        }
    }

    @Test
    void signalsThatGoOutAreWaitedFor() throws Exception {
        int port = FreePorts.pick();
        ListenerShutdown shutdown = new ListenerShutdown(lookup, System.getProperty("user.name"));
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            ListenerShutdown.Result result = shutdown.stop(port, lookup.lookup(port).holders(), Duration.ofSeconds(30),
                    false);
            assertThat(result.free()).isTrue();
            assertThat(result.unsent()).isEmpty();
            assertThat(listener.awaitExit(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aSocketStillClosingAfterItsHolderExitedIsNotFree(@TempDir Path proc) throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            FakeProc.listener(proc, port, listener.pid(), "java");
            PortHolderLookup fake = FakeProc.lookup(proc);
            // the exit's descriptors are gone while the kernel has not closed the socket yet
            ListenerShutdown shutdown = playingExits(proc, fake, port, listener.pid(), false);
            ListenerShutdown.Result result = shutdown.stop(port, fake.lookup(port).holders(), Duration.ofMillis(300),
                    false);
            assertThat(result.free()).isFalse();
            assertThat(result.remaining()).isEmpty();
            assertThat(listener.isAlive()).isTrue();
        }
    }

    @Test
    void theSocketClosedAfterItsHolderExitedIsFree(@TempDir Path proc) throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            FakeProc.listener(proc, port, listener.pid(), "java");
            PortHolderLookup fake = FakeProc.lookup(proc);
            ListenerShutdown shutdown = playingExits(proc, fake, port, listener.pid(), true);
            ListenerShutdown.Result result = shutdown.stop(port, fake.lookup(port).holders(), Duration.ofSeconds(30),
                    false);
            assertThat(result.free()).isTrue();
            assertThat(listener.isAlive()).isTrue();
        }
    }

    @Test
    void anotherListenerOnThePortThatWasNotSignalledIsNotWaitedFor(@TempDir Path proc) throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            FakeProc.listener(proc, port, listener.pid(), "java");
            // beside it, root's listener on another address, whose process this user cannot see: it stays
            Files.writeString(proc.resolve("net/tcp6"), table(port, 0, 777));
            PortHolderLookup fake = FakeProc.lookup(proc);
            ListenerShutdown shutdown = playingExits(proc, fake, port, listener.pid(), true);
            ListenerShutdown.Result result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> shutdown.stop(port, fake.lookup(port).holders(), Duration.ofSeconds(60), false));
            assertThat(result.free()).isTrue();
            assertThat(listener.isAlive()).isTrue();
        }
    }

    /** A kernel table with one LISTEN row for {@code port}, owned by {@code uid}, socket {@code inode}. */
    private static String table(int port, int uid, long inode) {
        return "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 00000000000000000000000001000000:" + String.format("%04X", port)
                + " 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 " + uid
                + "        0 " + inode + " 1 0000000000000000 100 0 0 10 0\n";
    }

    /**
     * A shutdown on a fake {@code /proc} whose "signal" plays the holder's exit, not sending any:
     * its descriptor goes, and with {@code socketCloses} its socket's row in {@code net/tcp} too.
     */
    private static ListenerShutdown playingExits(Path proc, PortHolderLookup fake, int port, long pid,
            boolean socketCloses) {
        return new ListenerShutdown(fake, fake.lookup(port).holders().get(0).user(),
                (process, kill) -> deleted(proc.resolve(pid + "/fd/3"))
                        && (!socketCloses || (deleted(proc.resolve("net/tcp")) && created(proc.resolve("net/tcp")))));
    }

    private static boolean deleted(Path file) {
        try {
            Files.delete(file);
            return true;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean created(Path file) {
        try {
            Files.writeString(file, "  sl  local_address rem_address   st\n");
            return true;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
