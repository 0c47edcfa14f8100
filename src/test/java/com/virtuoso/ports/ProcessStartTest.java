package com.virtuoso.ports;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStartTest {

    @Test
    void theTicksOfAProcessAreStableAndDifferFromAnotherProcesss() throws Exception {
        try (ListenerProcess first = ListenerProcess.start("127.0.0.1", FreePorts.pick())) {
            OptionalLong ticks = ProcessStart.ticks(first.pid());
            assertThat(ticks).isPresent();
            try (ListenerProcess second = ListenerProcess.start("127.0.0.1", FreePorts.pick())) {
                // the first was listening before the second was started: a JVM start takes many ticks
                assertThat(ProcessStart.ticks(second.pid())).isPresent().isNotEqualTo(ticks);
            }
            assertThat(ProcessStart.ticks(first.pid())).isEqualTo(ticks);
        }
    }

    @Test
    void aProcessThatDoesNotRunHasNoTicks() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        assertThat(ProcessStart.ticks(finished.pid())).isEmpty();
    }

    @Test
    void aCommandWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "4242 (a) b (c) d) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 10 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        assertThat(ProcessStart.parse(stat)).hasValue(987654321L);
    }

    @Test
    void aTextThatIsNotAStatHasNoTicks() {
        assertThat(ProcessStart.parse("")).isEmpty();
        assertThat(ProcessStart.parse("4242 (cut) S 1 2")).isEmpty();
        assertThat(ProcessStart.parse("4242 (odd) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 soon 1"))
            .isEmpty();
    }

}
