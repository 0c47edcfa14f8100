package com.virtuoso.server;

import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.FakeProc;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortCandidates;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortSelector;
import com.virtuoso.ports.PortsExhaustedException;
import com.virtuoso.ports.PublishingContainer;
import com.virtuoso.testing.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
    void aPrimaryPublishedThroughDockerProxyGetsTheAdviceToStopTheContainer() {
        PortHolder proxy = new PortHolder(13579, "root", AT, "/usr/bin/docker-proxy -proto tcp -host-ip 127.0.0.1 "
                + "-host-port 8000 -container-ip 172.17.0.2 -container-port 8080");
        String detail = "in use by Docker container web (4d7ac333d3d4), published through docker-proxy PID 13579";
        PortsExhaustedException exhausted = exhausted(new PortAttempt(8000, BindOutcome.IN_USE, AT, proxy, detail));
        assertThat(PortsExhaustedFailureAnalyzer.description(exhausted)).contains("8000  " + detail);
        assertThat(PortsExhaustedFailureAnalyzer.action(exhausted))
            .contains("1. Stop the container that publishes port 8000 (named above): docker stop NAME; "
                    + "docker ps --filter publish=8000 lists it")
            .doesNotContain("ports kill");
    }

    @Test
    void aPrimaryPublishedThroughAProxyOfRootThisUserCannotSeeGetsTheAdviceToStopTheContainer(@TempDir Path proc)
            throws Exception {
        int port = FreePorts.pick();
        FakeProc.hiddenListener(proc, port, 0);
        PortSelector selector = new PortSelector(new BindFailureClassifier(PortPrivileges.detect()),
                FakeProc.lookup(proc, (asked, addresses) -> List.of(new PublishingContainer("web", "4d7ac333d3d4"))),
                Clock.systemUTC());
        PortsExhaustedException exhausted = catchThrowableOfType(PortsExhaustedException.class,
                () -> selector.select(InetAddress.getLoopbackAddress(), new PortCandidates(port, List.of(), false),
                        (taken) -> {
                            throw new BindException("Address already in use");
                        }, (attempt, next) -> {
                        }));
        assertThat(exhausted.attempts()).singleElement().satisfies((attempt) -> assertThat(attempt.holder()).isNull());
        assertThat(PortsExhaustedFailureAnalyzer.description(exhausted))
            .contains(port + "  in use by Docker container web (4d7ac333d3d4)");
        assertThat(PortsExhaustedFailureAnalyzer.action(exhausted))
            .contains("1. Stop the container that publishes port " + port + ": docker stop web")
            .doesNotContain("ports kill");
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
