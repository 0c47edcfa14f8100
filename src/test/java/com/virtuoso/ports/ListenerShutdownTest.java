package com.virtuoso.ports;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ListenerShutdownTest {

    private final PortHolderLookup lookup = new PortHolderLookup();

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

}
