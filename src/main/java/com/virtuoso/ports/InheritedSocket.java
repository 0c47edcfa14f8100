package com.virtuoso.ports;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * A listening socket handed to this process by a service manager (systemd socket activation),
 * which the server serves instead of binding a port. The service manager keeps the socket open
 * while the server restarts, so connections wait in its backlog instead of being refused.
 *
 * @param address the address and port the socket listens on
 * @param source how the socket was handed over
 */
public record InheritedSocket(InetSocketAddress address, Source source) {

    /** How the socket was handed over. */
    public enum Source {

        /** {@code LISTEN_FDS=1} and {@code LISTEN_PID} naming this process, the socket moved to fd 0 by the launcher. */
        LISTEN_FDS,

        /** A listening socket as standard input, without {@code LISTEN_FDS} ({@code StandardInput=socket}). */
        STANDARD_INPUT

    }

    public int port() {
        return address.getPort();
    }

    /** {@code 0.0.0.0:8000 (LISTEN_FDS)}, as a log line names it. */
    public String describe() {
        String host = address.getAddress().getHostAddress();
        return ((address.getAddress() instanceof Inet6Address) ? "[" + host + "]" : host) + ":" + port() + " ("
                + source + ")";
    }

}
