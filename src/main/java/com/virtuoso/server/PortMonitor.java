package com.virtuoso.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

import com.virtuoso.alerts.PortEvent;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PortSelection;

/**
 * Looks at the ports every {@code web_server.monitor.interval}: does the server still listen on
 * each port it should, and, after a fall back, is the primary port free again. With
 * {@code web_server.reclaim} it then adds a listener on the primary port, without a restart, and
 * with {@code reclaim_release_fallback_after} closes the fallback listener after that drain period.
 */
class PortMonitor implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

    private static final Log logger = LogFactory.getLog(PortMonitor.class);

    private final StartupPorts ports;

    private final PortHolderLookup holderLookup;

    private final PortProbe probe;

    private final Duration interval;

    private final boolean reclaim;

    private final Duration releaseFallbackAfter;

    private final Clock clock;

    private final RunningInstance instance;

    private final long pid = ProcessHandle.current().pid();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
        Thread thread = new Thread(task, "virtuoso-port-monitor");
        thread.setDaemon(true);
        return thread;
    });

    private volatile State state = new State(List.of(), null, null, List.of(), null, null);

    private Service service;

    private Connector mainConnector;

    /** The port of the main listener, kept: a listener that lost its socket no longer knows it. */
    private int mainPort;

    private Connector reclaimed;

    /**
     * What the monitor saw last.
     *
     * @param activePorts the ports the server listens on
     * @param reclaimedPort the primary port once reclaimed, or {@code null}
     * @param reclaimedAt when it was reclaimed, or {@code null}
     * @param missing the ports the server should listen on but does not
     * @param checkedAt when the last check ran, or {@code null} before the first
     * @param primaryHolder who held the primary port at the last check, after a fall back; {@code null}
     * when nobody did, or the server listens on it
     */
    public record State(List<Integer> activePorts, Integer reclaimedPort, Instant reclaimedAt, List<Integer> missing,
            Instant checkedAt, PortHolder primaryHolder) {
    }

    PortMonitor(StartupPorts ports, PortHolderLookup holderLookup, PortProbe probe, Duration interval, boolean reclaim,
            Duration releaseFallbackAfter, RunningInstance instance, Clock clock) {
        this.instance = instance;
        this.ports = ports;
        this.holderLookup = holderLookup;
        this.probe = probe;
        this.interval = interval;
        this.reclaim = reclaim;
        this.releaseFallbackAfter = releaseFallbackAfter;
        this.clock = clock;
    }

    State state() {
        return state;
    }

    /** The ports the server listens on: as chosen at start until the first check, then as the monitor sees them. */
    List<Integer> activePorts() {
        State seen = state;
        if (!seen.activePorts().isEmpty()) {
            return seen.activePorts();
        }
        return ports.selection().map((selection) -> List.of(selection.activePort())).orElse(List.of());
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null
                || !(event.getWebServer() instanceof TomcatWebServer tomcat)) {
            return;
        }
        synchronized (this) {
            service = tomcat.getTomcat().getService();
            mainConnector = tomcat.getTomcat().getConnector();
            mainPort = mainConnector.getLocalPort();
            state = new State(List.of(mainPort), null, null, List.of(), null, null);
        }
        scheduler.scheduleWithFixedDelay(this::checkSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }

    private void checkSafely() {
        try {
            check();
        }
        catch (RuntimeException ex) {
            // one failed look must not stop the monitor: say so and look again next time
            logger.warn("Port monitor check failed: " + ex);
        }
    }

    synchronized void check() {
        boolean fellBack = ports.selection().map(PortSelection::fellBack).orElse(false);
        int primary = ports.candidates().primary();
        if (reclaim && fellBack && reclaimed == null && probe.isFree(ports.host(), primary)) {
            reclaim(primary);
        }
        State before = state;
        if (reclaimed != null && mainConnector != null && releaseFallbackAfter != null
                && !clock.instant().isBefore(before.reclaimedAt().plus(releaseFallbackAfter))) {
            service.removeConnector(mainConnector);
            mainConnector = null;
            instance.register(primary);
            logger.info("Closed the fallback listener on port " + mainPort + " after its drain period; listening on "
                    + primary + " only");
        }
        List<Integer> active = new ArrayList<>();
        if (reclaimed != null) {
            active.add(primary);
        }
        if (mainConnector != null) {
            active.add(mainPort);
        }
        List<Integer> missing = active.stream().filter((port) -> !listensOn(port)).toList();
        if (!missing.isEmpty() && !missing.equals(before.missing())) {
            logger.warn("The server no longer listens on port(s) " + missing + " where it should");
            ports.alerts().send(ports.event(PortEvent.Type.NOT_LISTENING, null, List.of(),
                    "the server no longer listens on port(s) " + missing));
        }
        PortHolder primaryHolder = (fellBack && reclaimed == null) ? holderLookup.lookup(primary).first() : null;
        state = new State(List.copyOf(active), (reclaimed != null) ? primary : null, before.reclaimedAt(), missing,
                clock.instant(), primaryHolder);
    }

    private void reclaim(int primary) {
        Connector connector = new Connector("HTTP/1.1");
        connector.setThrowOnFailure(true);
        connector.setPort(primary);
        connector.setProperty("address", ports.host().getHostAddress());
        copySettings(mainConnector, connector);
        try {
            service.addConnector(connector); // starts it: binds the port now
        }
        catch (IllegalArgumentException ex) {
            // taken again between the check and the bind: try at the next check
            service.removeConnector(connector);
            logger.debug("Primary port " + primary + " was taken again before it could be reclaimed: " + ex);
            return;
        }
        reclaimed = connector;
        ports.alerts().send(ports.event(PortEvent.Type.RECLAIMED, primary, List.of(),
                "the primary port " + primary + " is free again: listening on it, and on " + mainPort));
        state = new State(state.activePorts(), primary, clock.instant(), state.missing(), state.checkedAt(), null);
        logger.info("Reclaimed primary port " + primary + ": Virtuoso listens on http://"
                + ports.host().getHostAddress() + ":" + primary + " again, and still on " + mainPort
                + ((releaseFallbackAfter != null) ? " for " + releaseFallbackAfter.toSeconds() + " s" : ""));
    }

    private boolean listensOn(int port) {
        return holderLookup.lookup(port).heldBy(pid);
    }

    /** The timeouts and limits of the main listener, for a listener added later. */
    private static void copySettings(Connector from, Connector to) {
        for (String property : List.of("keepAliveTimeout", "connectionTimeout", "maxKeepAliveRequests",
                "maxConnections", "acceptCount", "maxThreads", "minSpareThreads")) {
            Object value = from.getProperty(property);
            if (value != null) {
                to.setProperty(property, value.toString());
            }
        }
    }

}
