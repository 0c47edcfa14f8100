package com.virtuoso.ports;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ListenerShutdown} tells the process it looked up from one that reused its PID by the
 * kernel's start ticks, so that a wall-clock step between the lookup and the signal changes nothing.
 */
class ListenerShutdownStartTicksTest {

    private final String user = System.getProperty("user.name");

    private final ListenerShutdown shutdown = new ListenerShutdown(new PortHolderLookup(), user);

    @Test
    void theSameTicksAreTheSameProcessThoughTheClockStepped() throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            long ticks = ProcessStart.ticks(listener.pid()).orElseThrow();
            assertThat(new PortHolderLookup().lookup(port).holders()).extracting(PortHolder::startTicks)
                .containsExactly(ticks);
            Instant stepped = ProcessHandle.of(listener.pid()).orElseThrow().info().startInstant().orElseThrow()
                .plus(Duration.ofHours(1));
            PortHolder holder = new PortHolder(listener.pid(), user, stepped, ticks, "java");
            ListenerShutdown.Result result = shutdown.stop(port, List.of(holder), Duration.ofSeconds(30), false);
            assertThat(result.free()).isTrue();
            assertThat(listener.awaitExit(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void otherTicksAreAnotherProcessThoughTheInstantMatches() throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            long ticks = ProcessStart.ticks(listener.pid()).orElseThrow();
            Instant started = ProcessHandle.of(listener.pid()).orElseThrow().info().startInstant().orElseThrow();
            PortHolder holder = new PortHolder(listener.pid(), user, started, ticks + 1, "java");
            ListenerShutdown.Result result = shutdown.stop(port, List.of(holder), Duration.ofMillis(200), true);
            assertThat(result.free()).isFalse();
            assertThat(result.killed()).isEmpty();
            assertThat(listener.isAlive()).isTrue();
        }
    }

}
