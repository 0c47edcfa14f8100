package com.virtuoso.server;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortHolders;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;

/**
 * The port monitor's probes with a switch: while {@link #failing} is set every probe throws (an
 * {@link Error}, not only exceptions); otherwise they look at the system. Passed as an extra source
 * to {@code InProcessServer}, never found by component scanning.
 */
class FaultyProbes implements PortMonitor.Probes {

    final AtomicBoolean failing = new AtomicBoolean(true);

    private final PortMonitor.Probes system;

    FaultyProbes() {
        PortHolderLookup lookup = new PortHolderLookup();
        this.system = PortMonitor.Probes.of(lookup, new PortProbe(new BindFailureClassifier(PortPrivileges.detect()),
                lookup), Duration.ofSeconds(2));
    }

    @Override
    public boolean isFree(InetAddress host, int port) {
        if (failing.get()) {
            throw new IllegalStateException("simulated probe failure");
        }
        return system.isFree(host, port);
    }

    @Override
    public boolean listensHere(int port) throws IOException {
        if (failing.get()) {
            throw new AssertionError("simulated listener check failure");
        }
        return system.listensHere(port);
    }

    @Override
    public PortHolders holders(int port) {
        if (failing.get()) {
            throw new NumberFormatException("For input string: \"4294967295\" (simulated)");
        }
        return system.holders(port);
    }

}
