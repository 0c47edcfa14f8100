package com.virtuoso.server;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

import com.virtuoso.alerts.PortEvent;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortHolders;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PortSelection;

/**
 * Looks at the ports every {@code web_server.monitor.interval}: does the server still listen on
 * each port it should, and, after a fall back, is the primary port free again. With
 * {@code web_server.reclaim} it then adds a listener on the primary port, without a restart, and
 * with {@code reclaim_release_fallback_after} closes the fallback listener after that drain period.
 * <p>
 * Each part of a check (reclaim, release, the own listeners, the primary's holder) may fail on
 * its own: the failure is logged, what that part would have told is reported as unknown, the rest
 * of the check still updates the state, and the next check runs. A check never stops the monitor.
 */
public class PortMonitor implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

    private static final Log logger = LogFactory.getLog(PortMonitor.class);

    /** Beyond three intervals, what the longest check (a bounded holder lookup) may add to one. */
    private static final Duration STALE_GRACE = Duration.ofSeconds(2);

    private final StartupPorts ports;

    private final Probes probes;

    private final Duration interval;

    /** How old the last check may be before it is not believed: three intervals and a grace. */
    private final Duration staleAfter;

    private final boolean reclaim;

    private final Duration releaseFallbackAfter;

    private final Clock clock;

    private final RunningInstance instance;

    /** Makes a listener set up as the main one, on a port. */
    private final IntFunction<Connector> newListener;

    /** Two threads: a fallback listener draining its requests must not hold up the checks. */
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, (task) -> {
        Thread thread = new Thread(task, "virtuoso-port-monitor");
        thread.setDaemon(true);
        return thread;
    });

    /** When the checks were scheduled, or {@code null} before the server listens. */
    private volatile Instant watchingSince;

    private volatile State state = new State(List.of(), null, null, List.of(), List.of(), null, null, null);

    /** The last failure of each part of a check, so that a part failing at every check is logged once. */
    private final Map<String, String> failures = new HashMap<>();

    /** The context whose server is watched: its close, not a management child context's, ends the watch. */
    private volatile ApplicationContext context;

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
     * @param unknown the ports the server should listen on where the last check could not tell
     * whether it does
     * @param checkedAt when the last check ran, or {@code null} before the first
     * @param primaryHolder who held the primary port at the last check, after a fall back; {@code null}
     * when nobody did, when it could not be named, or when the server listens on it
     * @param primaryHolderUnknown why no {@code primaryHolder} is named after a fall back, or {@code null}
     */
    public record State(List<Integer> activePorts, Integer reclaimedPort, Instant reclaimedAt, List<Integer> missing,
            List<Integer> unknown, Instant checkedAt, PortHolder primaryHolder, String primaryHolderUnknown) {
    }

    /**
     * What a check asks of the system. An interface so that a test can make any part of a check
     * fail (a bean of this type replaces the default).
     */
    interface Probes {

        /** Whether {@code host:port} could be bound now. */
        boolean isFree(InetAddress host, int port);

        /**
         * Whether this process listens on {@code port}.
         * @throws IOException when it cannot tell
         */
        boolean listensHere(int port) throws IOException;

        /** Who holds {@code port}, looking no longer than a check may spend. */
        PortHolders holders(int port);

        /**
         * The system itself: the own listeners seen from {@code /proc/self} only, a foreign holder
         * looked up for at most {@code budget}.
         */
        static Probes of(PortHolderLookup lookup, PortProbe probe, Duration budget) {
            return new Probes() {

                @Override
                public boolean isFree(InetAddress host, int port) {
                    return probe.isFree(host, port);
                }

                @Override
                public boolean listensHere(int port) throws IOException {
                    return lookup.listensHere(port);
                }

                @Override
                public PortHolders holders(int port) {
                    return lookup.lookup(port, budget);
                }

            };
        }

    }

    PortMonitor(StartupPorts ports, Probes probes, Duration interval, boolean reclaim, Duration releaseFallbackAfter,
            IntFunction<Connector> newListener, RunningInstance instance, Clock clock) {
        this.newListener = newListener;
        this.instance = instance;
        this.ports = ports;
        this.probes = probes;
        this.interval = interval;
        // once: Duration.multipliedBy goes through BigDecimal, and health asks on every request
        this.staleAfter = interval.multipliedBy(3).plus(STALE_GRACE);
        this.reclaim = reclaim;
        this.releaseFallbackAfter = releaseFallbackAfter;
        this.clock = clock;
    }

    State state() {
        return state;
    }

    /**
     * Whether the last check (or, before the first, the start of the watch) is too old to be
     * believed: a check that hangs (a {@code /proc} read that never returns) must not leave its
     * last answer standing as if it were current.
     */
    boolean stale() {
        Instant since = (state.checkedAt() != null) ? state.checkedAt() : watchingSince;
        return since != null && clock.instant().isAfter(since.plus(staleAfter));
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
            context = event.getApplicationContext();
            service = tomcat.getTomcat().getService();
            mainConnector = tomcat.getTomcat().getConnector();
            mainPort = mainConnector.getLocalPort();
            state = new State(List.of(mainPort), null, null, List.of(), List.of(), null, null, null);
        }
        watchingSince = clock.instant();
        scheduler.scheduleWithFixedDelay(this::checkSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Stops watching as the close begins: Spring Boot's graceful shutdown then closes the listeners
     * while it drains the requests in flight, and a check would report the server's own ports as lost.
     */
    @EventListener
    void closing(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) { // not a management child context's close
            scheduler.shutdownNow();
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }

    private void checkSafely() {
        if (scheduler.isShutdown()) {
            return; // the close began while this check waited for its turn
        }
        try {
            check();
        }
        catch (Throwable ex) {
            // a task that throws is never run again: whatever went wrong, say so and look again next time
            logger.warn("Port monitor check failed; the next check runs in " + interval.toMillis() + " ms", ex);
        }
    }

    synchronized void check() {
        boolean fellBack = ports.selection().map(PortSelection::fellBack).orElse(false);
        int primary = ports.candidates().primary();
        boolean reclaiming = reclaim && fellBack && reclaimed == null;
        if (reclaiming) {
            run("reclaim", () -> {
                if (probes.isFree(ports.host(), primary)) {
                    reclaim(primary);
                }
            });
        }
        State before = state;
        if (reclaimed != null && mainConnector != null && releaseFallbackAfter != null && before.reclaimedAt() != null
                && !clock.instant().isBefore(before.reclaimedAt().plus(releaseFallbackAfter))) {
            run("release", () -> release(primary));
        }
        List<Integer> active = new ArrayList<>();
        if (reclaimed != null) {
            active.add(primary);
        }
        if (mainConnector != null) {
            active.add(mainPort);
        }
        List<Integer> missing = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        for (int port : active) {
            Boolean listens = attempt("listener " + port, () -> probes.listensHere(port));
            if (listens == null) {
                unknown.add(port);
            }
            else if (!listens) {
                missing.add(port);
            }
        }
        if (!missing.isEmpty() && !missing.equals(before.missing())) {
            logger.warn("The server no longer listens on port(s) " + missing + " where it should");
            run("alert", () -> ports.alerts().send(ports.event(PortEvent.Type.NOT_LISTENING, null, List.of(),
                    "the server no longer listens on port(s) " + missing)));
        }
        PortHolders primaryHolders = null;
        if (fellBack && reclaimed == null) {
            primaryHolders = attempt("holder", () -> probes.holders(primary));
            if (primaryHolders == null) {
                primaryHolders = PortHolders.unknown("the holder lookup failed; see the log");
            }
        }
        state = new State(List.copyOf(active), (reclaimed != null) ? primary : null, before.reclaimedAt(),
                List.copyOf(missing), List.copyOf(unknown), clock.instant(),
                (primaryHolders != null) ? primaryHolders.first() : null,
                (primaryHolders != null && primaryHolders.holders().isEmpty()) ? primaryHolders.unknownReason() : null);
        if (reclaiming && reclaimed != null) {
            // clients move now, while the fallback still serves: one that moves during the drain
            // period never meets a closed port, and without a release the primary is where the server is
            // the reclaimed listener is set up as the main one, TLS included: its own scheme says so
            boolean secure = "https".equals(reclaimed.getScheme());
            run("registry", () -> instance.register(primary, secure));
        }
    }

    /** A part of a check that may fail. */
    @FunctionalInterface
    private interface Part<T> {

        T run() throws Exception;

    }

    /** A part of a check that may fail and returns nothing. */
    @FunctionalInterface
    private interface Action {

        void run() throws Exception;

    }

    private void run(String part, Action action) {
        attempt(part, () -> {
            action.run();
            return Boolean.TRUE;
        });
    }

    /**
     * Runs one part of a check. Whatever it throws is logged (once while it keeps failing the same
     * way) and becomes {@code null}: "cannot tell" for that part, while the others go on.
     */
    private <T> T attempt(String part, Part<T> action) {
        try {
            T result = action.run();
            if (failures.remove(part) != null) {
                logger.info("Port monitor: the " + part + " check works again");
            }
            return result;
        }
        catch (Throwable ex) {
            String failure = ex.toString();
            if (!failure.equals(failures.put(part, failure))) {
                logger.warn("Port monitor: the " + part + " check failed; reported as unknown until it works", ex);
            }
            else {
                logger.debug("Port monitor: the " + part + " check failed again: " + failure);
            }
            return null;
        }
    }

    /**
     * Releases the fallback listener as Spring Boot's graceful shutdown stops a server: paused, a
     * connection closes after the response it is serving (a new request on an idle keep-alive
     * connection gets a 503 that tells the client to reconnect) and the listening socket closes
     * now, so nobody new connects. The listener is removed once its connections have closed, or
     * after the drain period at the latest; that wait runs on the second thread, so the checks go
     * on meanwhile.
     */
    private void release(int primary) {
        Connector fallback = mainConnector;
        int port = mainPort;
        fallback.pause();
        fallback.getProtocolHandler().closeServerSocketGraceful();
        mainConnector = null;
        logger.info("Stopped accepting on the fallback port " + port + " after its drain period; listening on "
                + primary + " only");
        scheduler.execute(() -> close(fallback, port));
    }

    private void close(Connector fallback, int port) {
        try {
            long left = fallback.getProtocolHandler().awaitConnectionsClose(releaseFallbackAfter.toMillis());
            service.removeConnector(fallback);
            logger.info("Closed the fallback listener on port " + port
                    + ((left > 0) ? " once its connections had closed"
                            : " with connections still open, at the end of its drain period or as the server stops"));
        }
        catch (Throwable ex) {
            logger.warn("Could not close the fallback listener on port " + port, ex);
        }
    }

    private void reclaim(int primary) {
        Connector connector = newListener.apply(primary);
        connector.setThrowOnFailure(true);
        try {
            PortFallbackTomcatFactory.addToService(service, connector); // binds the port now
        }
        catch (IllegalArgumentException ex) {
            // taken again between the check and the bind: try at the next check
            service.removeConnector(connector);
            logger.debug("Primary port " + primary + " was taken again before it could be reclaimed: " + ex);
            return;
        }
        reclaimed = connector;
        state = new State(state.activePorts(), primary, clock.instant(), state.missing(), state.unknown(),
                state.checkedAt(), null, null);
        run("alert", () -> ports.alerts().send(ports.event(PortEvent.Type.RECLAIMED, primary, List.of(),
                "the primary port " + primary + " is free again: listening on it, and on " + mainPort)));
        logger.info("Reclaimed primary port " + primary + ": Virtuoso listens on " + connector.getScheme() + "://"
                + ports.host().getHostAddress() + ":" + primary + " again, and still on " + mainPort
                + ((releaseFallbackAfter != null) ? " for " + releaseFallbackAfter.toSeconds() + " s" : ""));
    }

}
