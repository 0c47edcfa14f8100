package com.virtuoso.ports;

import java.util.ArrayList;
import java.util.List;

/**
 * Warnings about candidate ports that are known to fail in ways a bind check cannot foresee.
 * They warn, never fail: the port may still work on this machine.
 */
public final class PortTraps {

    private final PortPrivileges privileges;

    public PortTraps(PortPrivileges privileges) {
        this.privileges = privileges;
    }

    /** One sentence per trap among the candidates, and one per duplicate fallback port. */
    public List<String> warnings(PortCandidates candidates) {
        List<String> warnings = new ArrayList<>();
        for (int port : candidates.ports()) {
            if (privileges.forbids(port)) {
                warnings.add("Port " + port + " is below " + privileges.unprivilegedPortStart()
                        + " and this process is not privileged: binding it will be refused");
            }
            if (privileges.isEphemeral(port)) {
                warnings.add("Port " + port + " is inside the OS ephemeral range (" + privileges.ephemeralFirst() + "-"
                        + privileges.ephemeralLast() + "): any outgoing connection may hold it for a moment");
            }
            if (privileges.isMac() && (port == 5000 || port == 7000)) {
                warnings.add("Port " + port + " is held by the macOS AirPlay Receiver on Monterey and later");
            }
        }
        for (int duplicate : candidates.duplicates()) {
            warnings.add("Port " + duplicate + " appears more than once among web_server.port and "
                    + "web_server.fallback_ports; it is tried once");
        }
        return warnings;
    }

}
