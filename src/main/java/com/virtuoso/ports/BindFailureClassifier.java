package com.virtuoso.ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.Predicate;

/**
 * Tells why a bind failed without reading the OS error text, which is localized. Java reports
 * "in use", "permission denied" and "cannot assign requested address" all as a
 * {@link java.net.BindException}; the cause is found by what can be tested instead: whether the
 * address can be bound at all, and whether the port needs privileges this process lacks.
 */
public final class BindFailureClassifier {

    /** The most characters kept of each message an unclassified failure carries. */
    private static final int MESSAGE_LIMIT = 200;

    private final PortPrivileges privileges;

    private final Predicate<InetAddress> anyPortBindable;

    public BindFailureClassifier(PortPrivileges privileges) {
        this(privileges, BindFailureClassifier::canBindAnyPort);
    }

    /** For tests: {@code anyPortBindable} tells whether any port can be bound on a host. */
    BindFailureClassifier(PortPrivileges privileges, Predicate<InetAddress> anyPortBindable) {
        this.privileges = privileges;
        this.anyPortBindable = anyPortBindable;
    }

    /** The lowest port this OS lets anyone bind. */
    public int unprivilegedPortStart() {
        return privileges.unprivilegedPortStart();
    }

    /** Why binding {@code host:port} just failed with a {@link java.net.BindException}. */
    public BindOutcome classify(InetAddress host, int port) {
        if (!anyPortBindable.test(host)) {
            return BindOutcome.ADDRESS_UNAVAILABLE;
        }
        if (privileges.forbids(port)) {
            return BindOutcome.PERMISSION_DENIED;
        }
        return BindOutcome.IN_USE;
    }

    /**
     * Why a {@link BindOutcome#UNKNOWN} bind failed, as far as is known: what the bind said and why
     * telling the cause failed, each masked, escaped and capped, as either may quote anything.
     * @param bindFailure the failure of the bind itself
     * @param classifyFailure what {@link #classify} threw
     */
    static String unclassified(Exception bindFailure, RuntimeException classifyFailure) {
        String said = (bindFailure.getMessage() != null) ? bindFailure.getMessage()
                : bindFailure.getClass().getSimpleName();
        String threw = classifyFailure.getClass().getSimpleName()
                + ((classifyFailure.getMessage() != null) ? ": " + classifyFailure.getMessage() : "");
        return MaskedCommandLine.ofText(said, MESSAGE_LIMIT)
                + " (telling why failed: " + MaskedCommandLine.ofText(threw, MESSAGE_LIMIT) + ")";
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
