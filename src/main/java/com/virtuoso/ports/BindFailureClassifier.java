package com.virtuoso.ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Tells why a bind failed without reading the OS error text, which is localized. Java reports
 * "in use", "permission denied" and "cannot assign requested address" all as a
 * {@link java.net.BindException}; the cause is found by what can be tested instead: whether the
 * address can be bound at all, and whether the port needs privileges this process lacks.
 */
public final class BindFailureClassifier {

    private final PortPrivileges privileges;

    public BindFailureClassifier(PortPrivileges privileges) {
        this.privileges = privileges;
    }

    /** The lowest port this OS lets anyone bind. */
    public int unprivilegedPortStart() {
        return privileges.unprivilegedPortStart();
    }

    /** Why binding {@code host:port} just failed with a {@link java.net.BindException}. */
    public BindOutcome classify(InetAddress host, int port) {
        if (!canBindAnyPort(host)) {
            return BindOutcome.ADDRESS_UNAVAILABLE;
        }
        if (privileges.forbids(port)) {
            return BindOutcome.PERMISSION_DENIED;
        }
        return BindOutcome.IN_USE;
    }

    private static boolean canBindAnyPort(InetAddress host) {
        if (host == null || host.isAnyLocalAddress()) {
            return true;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, 0));
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

}
