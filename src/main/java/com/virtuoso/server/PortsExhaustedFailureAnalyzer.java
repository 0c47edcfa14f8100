package com.virtuoso.server;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortForwarder;
import com.virtuoso.ports.PortsExhaustedException;
import com.virtuoso.ports.PublishedPort;

/**
 * Explains a start that found no port: each port tried and who holds it, then the commands that
 * fix it.
 */
class PortsExhaustedFailureAnalyzer extends AbstractFailureAnalyzer<PortsExhaustedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PortsExhaustedException cause) {
        return new FailureAnalysis(description(cause), action(cause), cause);
    }

    static String description(PortsExhaustedException exhausted) {
        List<PortAttempt> attempts = exhausted.attempts();
        StringBuilder text = new StringBuilder();
        if (exhausted.result() == ConflictResult.CONFLICT_STRICT) {
            text.append("Port ").append(exhausted.candidates().primary())
                .append(" is not available and web_server.auto_fallback is false (strict mode). Tried: ");
        }
        else {
            text.append("All ports exhausted. Tried: ");
        }
        text.append(attempts.stream().map(PortAttempt::port).toList()).append(System.lineSeparator());
        int width = attempts.stream().mapToInt((attempt) -> Integer.toString(attempt.port()).length()).max().orElse(1);
        for (PortAttempt attempt : attempts) {
            text.append(String.format("  %-" + width + "d  %s%n", attempt.port(), attempt.detail()));
        }
        return text.toString().stripTrailing();
    }

    static String action(PortsExhaustedException exhausted) {
        int primary = exhausted.candidates().primary();
        String command = RunningJar.command();
        StringBuilder text = new StringBuilder("Solutions:").append(System.lineSeparator());
        Optional<PublishedPort> published = primaryPublished(exhausted);
        Optional<PortForwarder> forwarder = primaryForwarder(exhausted, published);
        if (published.filter((port) -> !port.containers().isEmpty()).isPresent()) {
            // the engine named the container(s): the command to run, whole
            boolean one = published.get().containers().size() == 1;
            text.append("1. Stop the container").append(one ? " that publishes" : "s that publish")
                .append(" port ").append(primary).append(": ").append(published.get().stopCommand())
                .append(System.lineSeparator());
        }
        else if (forwarder.isPresent()) {
            // ports kill refuses to signal the forwarder: the container holds the port
            text.append("1. Stop the container that publishes port ").append(primary).append(" (named above): ")
                .append(forwarder.get().cli()).append(" stop NAME; ")
                .append(forwarder.get().findCommand(primary)).append(" lists it")
                .append(System.lineSeparator());
        }
        else if (primaryInUse(exhausted)) {
            text.append("1. Stop the process holding port ").append(primary).append(": ").append(command)
                .append(" ports kill ").append(primary).append(System.lineSeparator());
        }
        else {
            // no holder was seen: advising to stop one would claim what was not verified
            text.append("1. See why port ").append(primary).append(" cannot be bound: ").append(command)
                .append(" ports check ").append(primary).append(System.lineSeparator());
        }
        text.append("2. Find an available port:             ").append(command)
            .append(" ports find-available ").append(primary).append(System.lineSeparator());
        // update-config edits the file and key the port comes from, or names the variable or argument that set it
        text.append("3. Move to a free port:                ").append(command)
            .append(" ports update-config PORT");
        if (exhausted.result() == ConflictResult.CONFLICT_STRICT) {
            text.append(System.lineSeparator())
                .append("4. Or let the server fall back: set web_server.auto_fallback to true");
        }
        else {
            text.append(", or add free ports to web_server.fallback_ports (0 lets the OS pick one)");
        }
        return text.toString();
    }

    /**
     * The primary port as a container engine publishes it: a forwarder holds it, or one of root's
     * that this user cannot see and the engine named the container.
     */
    private static Optional<PublishedPort> primaryPublished(PortsExhaustedException exhausted) {
        int primary = exhausted.candidates().primary();
        return exhausted.publishedPorts().stream().filter((port) -> port.port() == primary).findFirst();
    }

    /**
     * The forwarder (docker-proxy, ...) holding the primary port for a container, if one does: the
     * published port's, or else the attempt's holder.
     */
    private static Optional<PortForwarder> primaryForwarder(PortsExhaustedException exhausted,
            Optional<PublishedPort> published) {
        int primary = exhausted.candidates().primary();
        return published.map(PublishedPort::forwarder).or(() -> exhausted.attempts()
            .stream()
            .filter((attempt) -> attempt.port() == primary)
            .findFirst()
            .flatMap((attempt) -> PortForwarder.of(attempt.holder())));
    }

    /** Whether the primary port was found in use (by a process named or not), rather than unbindable otherwise. */
    private static boolean primaryInUse(PortsExhaustedException exhausted) {
        return exhausted.attempts()
            .stream()
            .filter((attempt) -> attempt.port() == exhausted.candidates().primary())
            .findFirst()
            .map((attempt) -> attempt.outcome() == BindOutcome.IN_USE)
            .orElse(true);
    }

}
