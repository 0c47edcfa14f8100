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
        for (PortHolder holder : holders) {
            if (holder.pid() == 1) {
                return Optional.of(new ActivatedPort(holder, "PID 1 is the service manager: it holds port " + port
                        + " for socket activation and starts the service at the next connection", unitsOf.apply(1)));
            }
        }
        for (PortHolder holder : holders) {
            if (servesInheritedSocket.test(holder.pid())) {
                return Optional.of(new ActivatedPort(holder, "PID " + holder.pid() + " is a Virtuoso server serving "
                        + "port " + port + " on a socket the service manager handed over: stopping it frees nothing, "
                        + "the service manager keeps the socket and starts the server again at the next connection",
                        unitsOf.apply(holder.pid())));
            }
        }
        return Optional.empty();
    }

    /** What to run instead, in words: the command, and where it came from when it is a guess. */
    public String instead() {
        return "stop the units instead: " + units.stopCommand() + (units.named() ? ""
                : " (the units shipped in deploy/systemd; 'systemctl list-sockets' names the one listening on the port)");
    }

}
