package com.virtuoso.ports;

import java.net.InetAddress;
import java.util.List;

/**
 * No candidate port could be bound: every one was in use, forbidden or unavailable, or the
 * primary port was taken in strict mode.
 */
public class PortsExhaustedException extends RuntimeException {

    private final transient InetAddress host;

    private final PortCandidates candidates;

    private final List<PortAttempt> attempts;

    public PortsExhaustedException(InetAddress host, PortCandidates candidates, List<PortAttempt> attempts) {
        super("All ports exhausted. Tried: " + attempts.stream().map(PortAttempt::port).toList());
        this.host = host;
        this.candidates = candidates;
        this.attempts = List.copyOf(attempts);
    }

    public InetAddress host() {
        return host;
    }

    public PortCandidates candidates() {
        return candidates;
    }

    public List<PortAttempt> attempts() {
        return attempts;
    }

    public ConflictResult result() {
        return candidates.autoFallback() ? ConflictResult.EXHAUSTED : ConflictResult.CONFLICT_STRICT;
    }

}
