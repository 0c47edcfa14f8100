package com.virtuoso.ports;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One try to bind one candidate port.
 *
 * @param port the candidate port as configured ({@code 0} asks the OS for any free port)
 * @param outcome what the bind did
 * @param at when the bind was tried
 * @param holder who holds the port when {@code outcome} is {@link BindOutcome#IN_USE} and the
 * holder could be identified, otherwise {@code null}
 * @param detail why the port could not be used, in words (including why the holder is unknown, and
 * for {@link BindOutcome#UNKNOWN} the bind's own message); for {@link BindOutcome#INHERITED} the socket
 * served; {@code null} when the port was bound
 */
public record PortAttempt(int port, BindOutcome outcome, Instant at, PortHolder holder, String detail) {

    /**
     * {@code in use by PID 4242 (command)}, possibly followed by {@code  and 2 more}, as
     * {@link PortHolders#describe()} words it: the command is the part between the parentheses.
     */
    private static final Pattern IN_USE_BY = Pattern.compile("(in use by PID \\d+ \\()(.*)(\\)(?: and \\d+ more)?)",
            Pattern.DOTALL);

    /**
     * Masks the holder's command inside {@code detail} whatever its source: a history written by an
     * older version, read back through this constructor, holds it as that version masked it. The
     * command alone is masked, as masking the whole detail would take {@code in} for the program
     * and miss the rules of the real one ({@code mysql -px}); the rest of the detail is escaped.
     */
    public PortAttempt {
        detail = (detail != null) ? maskDetail(detail) : null;
    }

    public static PortAttempt bound(int port, Instant at) {
        return new PortAttempt(port, BindOutcome.BOUND, at, null, null);
    }

    /** Serving {@code socket}, handed over by the service manager, at {@code at}. */
    public static PortAttempt inherited(InheritedSocket socket, Instant at) {
        return new PortAttempt(socket.port(), BindOutcome.INHERITED, at, null,
                "inherited from the service manager: " + socket.describe());
    }

    private static String maskDetail(String detail) {
        Matcher inUseBy = IN_USE_BY.matcher(detail);
        if (!inUseBy.matches()) {
            return MaskedCommandLine.escape(detail);
        }
        return inUseBy.group(1) + MaskedCommandLine.ofText(inUseBy.group(2)) + inUseBy.group(3);
    }

}
