package com.virtuoso.ports;

/**
 * What happened when the server tried to bind one candidate port.
 */
public enum BindOutcome {

    /** The server listens on this port now. */
    BOUND,

    /** Another socket listens on the port (on this address or one the kernel considers overlapping). */
    IN_USE,

    /** The port is privileged (below the OS limit, usually 1024) and this process may not bind it. */
    PERMISSION_DENIED,

    /** The configured host is not an address of this machine, so no port can be bound on it. */
    ADDRESS_UNAVAILABLE,

    /**
     * The bind failed, and telling why failed too: the attempt carries the OS's own message and
     * claims neither a holder nor any of the reasons above.
     */
    UNKNOWN,

    /**
     * The server serves a listening socket the service manager handed over (socket activation):
     * it bound nothing and tried no other port, and the service manager keeps the port held
     * while the server restarts.
     */
    INHERITED;

    /** Whether the server listens on the port: it bound it, or it serves the inherited socket. */
    public boolean listening() {
        return this == BOUND || this == INHERITED;
    }

    /** In words, after "Port 8000 is": {@code free}, {@code in use}, ... */
    public String describe() {
        return switch (this) {
            case BOUND -> "free";
            case IN_USE -> "in use";
            case PERMISSION_DENIED -> "not allowed to this user (a privileged port)";
            case ADDRESS_UNAVAILABLE -> "not available (the host is not an address of this machine)";
            case UNKNOWN -> "not bindable (why could not be verified)";
            case INHERITED -> "served from a socket the service manager holds";
        };
    }

}
