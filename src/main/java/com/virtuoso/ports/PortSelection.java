package com.virtuoso.ports;

import java.time.Duration;
import java.util.List;

/**
 * The port a start ended up listening on, and how it got there.
 *
 * @param candidates the ports that were to be tried
 * @param attempts every bind tried, in order; the last one is {@link BindOutcome#BOUND}
 * @param activePort the port the server listens on (the OS's pick when the candidate was 0)
 * @param took how long choosing took, holder lookups included
 */
public record PortSelection(PortCandidates candidates, List<PortAttempt> attempts, int activePort, Duration took) {

    public PortSelection {
        attempts = List.copyOf(attempts);
    }

    /** How many candidates could not be bound for {@code outcome}. */
    public long count(BindOutcome outcome) {
        return attempts.stream().filter((attempt) -> attempt.outcome() == outcome).count();
    }

    /** Whether the server listens on another port than the primary one. */
    public boolean fellBack() {
        return attempts.size() > 1;
    }

}
