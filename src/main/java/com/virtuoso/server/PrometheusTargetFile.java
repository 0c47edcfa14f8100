package com.virtuoso.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;

import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.instances.ServerListening;
import com.virtuoso.targets.PrometheusTargets;

/**
 * This server's Prometheus target file: written each time the server says where it listens
 * ({@link ServerListening}: at start, and when the port monitor moves it to the primary port),
 * removed as the server stops.
 * <p>
 * The first time, it also removes, on a thread of its own, what servers that died without
 * cleaning up left behind (a SIGKILL, a crash): their target files, which would keep Prometheus
 * scraping a port nobody serves, then their instance records, in that order, as a target file of
 * a reused pid is told by its record. A failure costs a warning, never the start: Prometheus not
 * finding the server is not a reason to stop trading.
 */
class PrometheusTargetFile implements DisposableBean {

    private static final Log logger = LogFactory.getLog(PrometheusTargetFile.class);

    private static final Duration CLEAN_UP_WAIT = Duration.ofSeconds(1);

    private final PrometheusTargets targets;

    private final InstanceRegistry registry;

    private final long pid = ProcessHandle.current().pid();

    private boolean deadServersRemoved;

    /** Set as the server stops: a port monitor check still under way then writes nothing back. */
    private boolean stopped;

    /** The removal of what dead servers left, started by the first event; a stop waits for it a moment. */
    private Thread cleanUp;

    PrometheusTargetFile(PrometheusTargets targets, InstanceRegistry registry) {
        this.targets = targets;
        this.registry = registry;
    }

    /** On the start's thread and the port monitor's: one at a time, so the file ends as the last event says. */
    @EventListener
    synchronized void on(ServerListening event) {
        if (stopped) {
            return;
        }
        boolean first = !deadServersRemoved;
        if (first) {
            deadServersRemoved = true;
            // off the start's thread: reading every record costs a start more than it is worth before ready,
            // and it removes only what dead servers left, never this server's file
            cleanUp = new Thread(this::removeDeadServers, "virtuoso-targets-clean-up");
            cleanUp.setDaemon(true);
            cleanUp.start();
        }
        try {
            targets.write(event.instance());
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not write the Prometheus target file " + targets.fileOf(pid) + ": " + ex
                    + "; a Prometheus reading " + targets.directory() + " does not find this server on port "
                    + event.instance().port());
        }
        if (first) {
            warnIfOthersMayWrite(); // after the write, which makes the directory the first time
        }
    }

    private void warnIfOthersMayWrite() {
        targets.writableByOthers()
            .ifPresent((mode) -> logger.warn("The Prometheus targets directory " + targets.directory()
                    + " is writable by other users (mode " + mode + "): another user could plant targets there "
                    + "for Prometheus to scrape; run: chmod go-w "
                    + targets.directory()));
    }

    private void removeDeadServers() {
        try {
            for (Path file : targets.removeStale(registry)) {
                logger.info("Removed the Prometheus target file of a server that is gone: " + file);
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not remove the Prometheus target files of servers that are gone from "
                    + targets.directory() + ": " + ex + "; Prometheus may go on scraping their ports");
        }
        try {
            for (InstanceRegistry.Entry entry : registry.removeStale()) {
                logger.info("Removed the instance record of a server that is gone: " + entry.file());
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not remove the instance records of servers that are gone: " + ex
                    + "; 'ports list' removes them");
        }
    }

    @Override
    public void destroy() {
        Thread started;
        synchronized (this) {
            stopped = true;
            started = cleanUp;
        }
        if (started != null) {
            try {
                // a stop soon after the start must not leave it deleting in a directory that goes next
                started.join(CLEAN_UP_WAIT.toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        removeOwnFile();
    }

    private synchronized void removeOwnFile() {
        try {
            targets.remove(pid);
        }
        catch (IOException ex) {
            logger.warn("Could not remove the Prometheus target file " + targets.fileOf(pid) + ": " + ex
                    + "; the next start or 'ports list' removes it");
        }
    }

}
