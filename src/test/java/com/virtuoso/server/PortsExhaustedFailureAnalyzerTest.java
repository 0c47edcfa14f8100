package com.virtuoso.server;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortCandidates;
import com.virtuoso.ports.PortsExhaustedException;

import static org.assertj.core.api.Assertions.assertThat;

class PortsExhaustedFailureAnalyzerTest {

    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void aPrimaryInUseGetsTheAdviceToStopItsHolder() {
        PortsExhaustedException exhausted = exhausted(
                new PortAttempt(8000, BindOutcome.IN_USE, AT, null, "in use by PID 4242 (nc -l 8000)"));
        assertThat(PortsExhaustedFailureAnalyzer.description(exhausted)).contains("8000  in use by PID 4242 (nc -l 8000)");
        assertThat(PortsExhaustedFailureAnalyzer.action(exhausted)).contains("1. Stop the process holding port 8000")
            .contains("ports kill 8000");
    }

    @Test
    void aPrimaryWhoseBindFailedForAnUnverifiedReasonIsNotSaidToBeHeld() {
        String detail = "not bindable (why could not be verified): Address already in use (telling why failed: "
                + "IllegalStateException: odd)";
        PortsExhaustedException exhausted = exhausted(new PortAttempt(8000, BindOutcome.UNKNOWN, AT, null, detail),
                new PortAttempt(8001, BindOutcome.IN_USE, AT, null, "in use by PID 4242 (nc -l 8001)"));
        assertThat(PortsExhaustedFailureAnalyzer.description(exhausted)).contains("8000  " + detail)
            .contains("8001  in use by PID 4242");
        assertThat(PortsExhaustedFailureAnalyzer.action(exhausted)).contains("1. See why port 8000 cannot be bound")
            .contains("ports check 8000")
            .doesNotContain("holding", "ports kill");
    }

    private static PortsExhaustedException exhausted(PortAttempt... attempts) {
        List<Integer> fallbacks = List.of(attempts).stream().skip(1).map(PortAttempt::port).toList();
        return new PortsExhaustedException(InetAddress.getLoopbackAddress(),
                new PortCandidates(attempts[0].port(), fallbacks, true), List.of(attempts));
    }

}
