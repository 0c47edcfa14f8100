package com.virtuoso.alerts;

import java.time.Instant;
import java.util.List;

import com.virtuoso.ports.PortAttempt;

/**
 * Something about the ports worth telling an operator, as the generic webhook sends it.
 *
 * @param type what happened
 * @param at when
 * @param pid the server's process id
 * @param host the address it binds
 * @param primaryPort the configured port
 * @param activePort the port it listens on, or {@code null} when it does not
 * @param attempts the binds behind it, when there were any
 * @param message one sentence for people
 */
public record PortEvent(Type type, Instant at, long pid, String host, int primaryPort, Integer activePort,
        List<PortAttempt> attempts, String message) {

    public PortEvent {
        attempts = List.copyOf(attempts);
    }

    /** The kinds of port events. */
    public enum Type {

        /** The server started on a fallback port. */
        FELL_BACK,

        /** No port could be bound; the server is exiting. */
        EXHAUSTED,

        /** The monitor reclaimed the primary port. */
        RECLAIMED,

        /** The monitor found the server no longer listening on a port where it should. */
        NOT_LISTENING

    }

    /** Events with the same key within the dedup window are one alert: a flapping port does not flood. */
    String dedupKey() {
        return type + ":" + host + ":" + primaryPort + ":" + activePort;
    }

}
