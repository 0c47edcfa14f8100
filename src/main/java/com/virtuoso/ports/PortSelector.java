package com.virtuoso.ports;

import java.net.BindException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds the first candidate port that can be bound, by trying the real bind on each in turn.
 * There is no probe before the bind, so a port taken by someone else a moment before is one
 * more failed attempt, never a crashed start.
 */
public final class PortSelector {

    /**
     * How long naming the holder of one taken port may take at start: a scan of every process's
     * descriptors, which on a crowded machine could otherwise delay the start by seconds.
     */
    static final Duration HOLDER_LOOKUP_BUDGET = Duration.ofSeconds(2);

    /** The real bind of the server's listening socket. */
    @FunctionalInterface
    public interface Bind {

        /**
         * Binds {@code port} or throws; a {@link BindException} anywhere in the cause chain
         * means this port cannot be used and the next one is tried.
         * @return the port now listened on (the OS's pick when {@code port} is 0)
         */
        int bind(int port) throws Exception;

    }

    /** Told about every candidate that could not be bound, before the next one is tried. */
    @FunctionalInterface
    public interface Listener {

        /** @param next the port tried next, or {@code null} when none is left */
        void unavailable(PortAttempt attempt, Integer next);

    }

    private final BindFailureClassifier classifier;

    private final PortHolderLookup holderLookup;

    private final Clock clock;

    public PortSelector(BindFailureClassifier classifier, PortHolderLookup holderLookup, Clock clock) {
        this.classifier = classifier;
        this.holderLookup = holderLookup;
        this.clock = clock;
    }

    /**
     * Binds the first candidate that can be bound.
     * @throws PortsExhaustedException when no candidate can be bound
     * @throws Exception what {@code bind} threw when it was not a bind failure
     */
    public PortSelection select(InetAddress host, PortCandidates candidates, Bind bind, Listener listener)
            throws Exception {
        long start = System.nanoTime();
        List<Integer> ports = candidates.ports();
        List<PortAttempt> attempts = new ArrayList<>();
        List<PublishedPort> publishedPorts = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            Outcome outcome = bindOne(host, ports.get(i), bind);
            attempts.add(outcome.attempt());
            if (outcome.published() != null) {
                publishedPorts.add(outcome.published());
            }
            if (outcome.attempt().outcome() == BindOutcome.BOUND) {
                return new PortSelection(candidates, attempts, outcome.activePort(),
                        Duration.ofNanos(System.nanoTime() - start));
            }
            listener.unavailable(outcome.attempt(), (i + 1 < ports.size()) ? ports.get(i + 1) : null);
        }
        throw new PortsExhaustedException(host, candidates, attempts, publishedPorts);
    }

    /**
     * Binds {@code port} if it can be bound; a port that cannot is an attempt that says why, not
     * an exception.
     * @throws Exception what {@code bind} threw when it was not a bind failure
     */
    public PortAttempt tryBind(InetAddress host, int port, Bind bind) throws Exception {
        return bindOne(host, port, bind).attempt();
    }

    /**
     * What binding one port did, the port bound (the OS's pick for 0), and how a container
     * publishes the port when it was found in use by one (else {@code null}).
     */
    private record Outcome(PortAttempt attempt, int activePort, PublishedPort published) {
    }

    private Outcome bindOne(InetAddress host, int port, Bind bind) throws Exception {
        Instant at = clock.instant();
        try {
            return new Outcome(PortAttempt.bound(port, at), bind.bind(port), null);
        }
        catch (Exception ex) {
            if (!isBindFailure(ex)) {
                throw ex;
            }
            return failedAttempt(host, port, at, ex);
        }
    }

    /**
     * Why {@code port} could not be bound. Telling why is a diagnostic: when classifying fails the
     * attempt is {@link BindOutcome#UNKNOWN} with the bind's own message, when naming the holder
     * fails the holder is unknown; either way the next candidate is tried.
     */
    private Outcome failedAttempt(InetAddress host, int port, Instant at, Exception bindFailure) {
        BindOutcome outcome;
        try {
            outcome = classifier.classify(host, port);
        }
        catch (RuntimeException ex) {
            // "in use" would be a guess: say only what the bind said
            return failed(new PortAttempt(port, BindOutcome.UNKNOWN, at, null, BindOutcome.UNKNOWN.describe() + ": "
                    + BindFailureClassifier.unclassified(bindException(bindFailure), ex)));
        }
        return switch (outcome) {
            case IN_USE -> {
                PortHolders holders = holders(port);
                // with root's docker-proxy unseen there is no holder, but the published port still says what to stop
                yield new Outcome(new PortAttempt(port, outcome, at, holders.first(), "in use by " + holders.describe()),
                        -1, holders.published().orElse(null));
            }
            case PERMISSION_DENIED -> failed(new PortAttempt(port, outcome, at, null,
                    "not allowed: ports below " + classifier.unprivilegedPortStart()
                            + " need root or CAP_NET_BIND_SERVICE"));
            case ADDRESS_UNAVAILABLE -> failed(new PortAttempt(port, outcome, at, null,
                    "unavailable: " + host.getHostAddress() + " is not an address of this machine"));
            case BOUND, UNKNOWN, INHERITED -> throw new IllegalStateException("the classifier does not answer " + outcome);
        };
    }

    private static Outcome failed(PortAttempt attempt) {
        return new Outcome(attempt, -1, null);
    }

    private PortHolders holders(int port) {
        try {
            return holderLookup.lookup(port, HOLDER_LOOKUP_BUDGET);
        }
        catch (RuntimeException ex) {
            return PortHolders.unknown("the holder lookup failed: " + ex);
        }
    }

    private static boolean isBindFailure(Throwable ex) {
        return bindException(ex) != null;
    }

    /** The {@link BindException} in the cause chain of {@code ex}, whose message is the OS's, or {@code null}. */
    private static BindException bindException(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

}
