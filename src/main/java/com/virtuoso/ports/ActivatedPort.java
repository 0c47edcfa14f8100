package com.virtuoso.ports;

import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * A port held through socket activation: the service manager (PID 1) holds its socket, or a
 * Virtuoso server serves a socket the service manager handed over. A signal frees nothing there:
 * the service manager keeps the socket and starts the service again at the next connection, so
 * the port is freed by stopping the units.
 *
 * @param holder the holder that shows it
 * @param reason why signalling the holders would not free the port, in words
 * @param units the units that hold the port
 */
public record ActivatedPort(PortHolder holder, String reason, ServiceUnits units) {

    /**
     * The socket-activated holder among {@code holders}, or empty when none is.
     * @param servesInheritedSocket whether a PID is a Virtuoso server that registered an inherited socket
     * @param unitsOf the units of a PID
     */
    public static Optional<ActivatedPort> among(int port, List<PortHolder> holders, LongPredicate servesInheritedSocket,
            LongFunction<ServiceUnits> unitsOf) {
        // a server on the inherited socket first: its cgroup names the real units
        for (PortHolder holder : holders) {
            if (servesInheritedSocket.test(holder.pid())) {
                return Optional.of(new ActivatedPort(holder, "PID " + holder.pid() + " is a Virtuoso server serving "
                        + "port " + port + " on a socket the service manager handed over: stopping it frees nothing, "
                        + "the service manager keeps the socket and starts the server again at the next connection",
                        unitsOf.apply(holder.pid())));
            }
        }
        for (PortHolder holder : holders) {
            if (holder.pid() == 1) {
                // any socket unit, Virtuoso's or another program's: which one cannot be told from here
                return Optional.of(new ActivatedPort(holder, "PID 1 is the service manager: it holds port " + port
                        + " for a socket unit (Virtuoso's or another program's) and starts its service at the next "
                        + "connection", ServiceUnits.SHIPPED));
            }
        }
        return Optional.empty();
    }

    /** What to run instead, in words: the command, and where it came from when it is a guess. */
    public String instead() {
        return units.named() ? "stop the units instead: " + units.stopCommand()
                : "stop the socket unit and its service instead: 'systemctl list-sockets' names the unit listening on "
                        + "the port; for the units shipped in deploy/systemd: " + units.stopCommand();
    }

}
