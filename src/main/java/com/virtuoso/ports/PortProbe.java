package com.virtuoso.ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers "could the server bind this port now?" the way the server's own bind would: by binding
 * it, on the configured address, and letting go at once. The answer is true only for that
 * instant; the server itself never relies on it and retries at its real bind instead.
 */
public final class PortProbe {

    private final BindFailureClassifier classifier;

    private final PortHolderLookup holderLookup;

    public PortProbe(BindFailureClassifier classifier, PortHolderLookup holderLookup) {
        this.classifier = classifier;
        this.holderLookup = holderLookup;
    }

    /**
     * What a bind of {@code host:port} would do now, and who holds the port when it is in use.
     * @param outcome {@link BindOutcome#BOUND} when the port is free
     */
    public record Result(int port, BindOutcome outcome, PortHolders holders) {

        public boolean free() {
            return outcome == BindOutcome.BOUND;
        }

    }

    /**
     * What a bind of {@code host:port} would do now. When why it fails cannot be told, the outcome
     * is {@link BindOutcome#UNKNOWN} and the holders' reason carries the bind's own message.
     */
    public Result check(InetAddress host, int port) {
        Optional<IOException> failure = bindFailure(host, port);
        if (failure.isEmpty()) {
            return new Result(port, BindOutcome.BOUND, PortHolders.found(List.of()));
        }
        BindOutcome outcome;
        try {
            outcome = classifier.classify(host, port);
        }
        catch (RuntimeException ex) {
            return new Result(port, BindOutcome.UNKNOWN,
                    PortHolders.unknown(BindFailureClassifier.unclassified(failure.get(), ex)));
        }
        PortHolders holders = (outcome == BindOutcome.IN_USE) ? holderLookup.lookup(port)
                : PortHolders.unknown(outcome.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        return new Result(port, outcome, holders);
    }

    /** Whether {@code host:port} can be bound now; no holder lookup. */
    public boolean isFree(InetAddress host, int port) {
        return bindFailure(host, port).isEmpty();
    }

    /** Why {@code host:port} cannot be bound now, or empty when it can. */
    private static Optional<IOException> bindFailure(InetAddress host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // as Tomcat's connector does on Linux: a port in TIME_WAIT counts as free
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return Optional.empty();
        }
        catch (IOException ex) {
            return Optional.of(ex);
        }
    }

}
