package com.virtuoso.server;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortHolders;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;

/**
 * The port monitor's probes with switches: while {@link #failing} is set every probe throws (an
 * {@link Error}, not only exceptions); while {@link #hanging} is set the listener check blocks until
 * {@link #unhang()}; otherwise they look at the system. Passed as an extra source
 * to {@code InProcessServer}, never found by component scanning.
 */
class FaultyProbes implements PortMonitor.Probes {

    final AtomicBoolean failing = new AtomicBoolean(true);

    final AtomicBoolean hanging = new AtomicBoolean();

    private final CountDownLatch unhang = new CountDownLatch(1);

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
        if (hanging.get()) {
            try {
                unhang.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while hanging", ex);
            }
        }
        if (failing.get()) {
            throw new AssertionError("simulated listener check failure");
        }
        return system.listensHere(port);
    }

    /** Lets a hanging listener check return. */
    void unhang() {
        hanging.set(false);
        unhang.countDown();
    }

    @Override
    public PortHolders holders(int port) {
        if (failing.get()) {
            throw new NumberFormatException("For input string: \"4294967295\" (simulated)");
        }
        return system.holders(port);
    }

}
