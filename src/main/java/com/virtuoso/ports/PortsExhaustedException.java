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

    private final transient List<PublishedPort> publishedPorts;

    public PortsExhaustedException(InetAddress host, PortCandidates candidates, List<PortAttempt> attempts) {
        this(host, candidates, attempts, List.of());
    }

    /**
     * @param publishedPorts the tried ports a container publishes: an attempt names no holder when
     * the container's forwarder is root's {@code docker-proxy}, which this user cannot see, yet the
     * advice must still be to stop the container rather than a process
     */
    public PortsExhaustedException(InetAddress host, PortCandidates candidates, List<PortAttempt> attempts,
            List<PublishedPort> publishedPorts) {
        super("All ports exhausted. Tried: " + attempts.stream().map(PortAttempt::port).toList());
        this.host = host;
        this.candidates = candidates;
        this.attempts = List.copyOf(attempts);
        this.publishedPorts = List.copyOf(publishedPorts);
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

    /** The tried ports a container publishes, as the holder lookup found them. */
    public List<PublishedPort> publishedPorts() {
        return publishedPorts;
    }

    public ConflictResult result() {
        return candidates.autoFallback() ? ConflictResult.EXHAUSTED : ConflictResult.CONFLICT_STRICT;
    }

}
