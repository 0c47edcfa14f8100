package com.virtuoso.ports;

import java.time.Instant;

/**
 * One try to bind one candidate port.
 *
 * @param port the candidate port as configured ({@code 0} asks the OS for any free port)
 * @param outcome what the bind did
 * @param at when the bind was tried
 * @param holder who holds the port when {@code outcome} is {@link BindOutcome#IN_USE} and the
 * holder could be identified, otherwise {@code null}
 * @param detail why the port could not be used, in words (including why the holder is unknown);
 * {@code null} when the port was bound
 */
public record PortAttempt(int port, BindOutcome outcome, Instant at, PortHolder holder, String detail) {

    public static PortAttempt bound(int port, Instant at) {
        return new PortAttempt(port, BindOutcome.BOUND, at, null, null);
    }

}
