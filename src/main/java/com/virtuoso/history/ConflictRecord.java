package com.virtuoso.history;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;

/**
 * One start that met a port conflict.
 *
 * @param at when the start chose its port, or gave up
 * @param pid the process id of that start
 * @param primaryPort the port it wanted
 * @param activePort the port it got, or {@code null} when it did not start
 * @param result how it ended
 * @param attempts every bind it tried, in order
 */
public record ConflictRecord(Instant at, long pid, int primaryPort, Integer activePort, ConflictResult result,
        List<PortAttempt> attempts) {

    public ConflictRecord {
        // a line without them (hand-edited, another version) is no record: the history skips it
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(result, "result");
        attempts = List.copyOf(attempts);
    }

}
