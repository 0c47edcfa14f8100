package com.virtuoso.server;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import com.virtuoso.alerts.PortEvent;
import com.virtuoso.alerts.WebhookAlerts;
import com.virtuoso.history.ConflictHistory;
import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.InheritedSocket;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortCandidates;
import com.virtuoso.ports.PortSelection;
import com.virtuoso.ports.PortSelector;
import com.virtuoso.ports.PortsExhaustedException;

/**
 * The ports of this start: the candidates, and once the server has bound, how it chose. Logs one
 * warning per port it could not use and records every conflict in the history.
 */
public class StartupPorts {

    private static final Log logger = LogFactory.getLog(StartupPorts.class);

    private static final Duration EXIT_ALERT_WAIT = Duration.ofSeconds(5);

    private final InetAddress host;

    private final PortCandidates candidates;

    private final PortSelector selector;

    private final ConflictHistory history;

    private final Clock clock;

    private final WebhookAlerts alerts;

    private final List<Integer> additionalPorts;

    private final boolean fatal;

    private final InheritedSocket inherited;

    private final AtomicReference<PortSelection> selection = new AtomicReference<>();

    private final AtomicReference<PortsExhaustedException> exhausted = new AtomicReference<>();

    private final List<PortAttempt> additionalAttempts = new CopyOnWriteArrayList<>();

    public StartupPorts(InetAddress host, PortCandidates candidates, List<Integer> additionalPorts,
            PortSelector selector, ConflictHistory history, WebhookAlerts alerts, Clock clock) {
        this(host, candidates, additionalPorts, selector, history, alerts, clock, true, null);
    }

    /**
     * The trading server's ports when the service manager handed over {@code inherited}: the main
     * listener serves it, its port is the primary and nothing else is tried for it; the
     * additional ports are bound on {@code host} as usual.
     */
    public StartupPorts(InetAddress host, InheritedSocket inherited, List<Integer> additionalPorts,
            PortSelector selector, ConflictHistory history, WebhookAlerts alerts, Clock clock) {
        this(host, new PortCandidates(inherited.port(), List.of(), false), additionalPorts, selector, history, alerts,
                clock, true, inherited);
    }

    /**
     * @param fatal whether finding no port fails the start (the trading server), or leaves this
     * listener unbound with a warning (the management server)
     */
    StartupPorts(InetAddress host, PortCandidates candidates, List<Integer> additionalPorts, PortSelector selector,
            ConflictHistory history, WebhookAlerts alerts, Clock clock, boolean fatal) {
        this(host, candidates, additionalPorts, selector, history, alerts, clock, fatal, null);
    }

    private StartupPorts(InetAddress host, PortCandidates candidates, List<Integer> additionalPorts,
            PortSelector selector, ConflictHistory history, WebhookAlerts alerts, Clock clock, boolean fatal,
            InheritedSocket inherited) {
        this.inherited = inherited;
        this.fatal = fatal;
        this.alerts = alerts;
        this.host = host;
        this.candidates = candidates;
        this.additionalPorts = List.copyOf(additionalPorts);
        this.selector = selector;
        this.history = history;
        this.clock = clock;
    }

    public InetAddress host() {
        return host;
    }

    public PortCandidates candidates() {
        return candidates;
    }

    /** The attempts of a start that found no port, when finding none was not fatal. */
    public Optional<PortsExhaustedException> exhausted() {
        return Optional.ofNullable(exhausted.get());
    }

    /** The socket the service manager handed over, which the main listener serves instead of binding. */
    public Optional<InheritedSocket> inherited() {
        return Optional.ofNullable(inherited);
    }

    /** How the server chose its port, once it has bound one. */
    public Optional<PortSelection> selection() {
        return Optional.ofNullable(selection.get());
    }

    public ConflictHistory history() {
        return history;
    }

    /** The extra ports the server should also listen on. */
    public List<Integer> additionalPorts() {
        return additionalPorts;
    }

    /** What binding each extra port did, in the order they were bound. */
    public List<PortAttempt> additionalAttempts() {
        return List.copyOf(additionalAttempts);
    }

    /** Binds an extra port if it can; one that cannot is skipped with a warning, never a failed start. */
    void bindAdditional(int port, PortSelector.Bind bind) throws Exception {
        PortAttempt attempt = selector.tryBind(host, port, bind);
        additionalAttempts.add(attempt);
        if (attempt.outcome() != BindOutcome.BOUND) {
            logger.warn("Additional port " + port + " is " + attempt.detail() + "; skipped, the server runs without it");
        }
    }

    /**
     * Binds the first candidate {@code bind} succeeds on; see {@link PortSelector#select}. With an
     * inherited socket, {@code bind} serves that socket, and failing to is a failed start.
     */
    int bind(PortSelector.Bind bind) throws Exception {
        if (inherited != null) {
            return serveInherited(bind);
        }
        PortSelection chosen;
        try {
            chosen = selector.select(host, candidates, bind, this::warn);
        }
        catch (PortsExhaustedException ex) {
            if (!fatal) {
                exhausted.set(ex);
                logger.warn("The management server does not listen: " + ex.getMessage()
                        + "; the server runs on without it. Set web_server.management_fallback_ports to free ports");
                return -1;
            }
            record(new ConflictRecord(clock.instant(), ProcessHandle.current().pid(), candidates.primary(), null,
                    ex.result(), ex.attempts()));
            // the process exits right after this: wait for the alert, a little
            alerts.sendAndWait(event(PortEvent.Type.EXHAUSTED, null, ex.attempts(), ex.getMessage()), EXIT_ALERT_WAIT);
            throw ex;
        }
        selection.set(chosen);
        if (chosen.fellBack() && fatal) {
            record(new ConflictRecord(clock.instant(), ProcessHandle.current().pid(), candidates.primary(),
                    chosen.activePort(), ConflictResult.FELL_BACK, chosen.attempts()));
            alerts.send(event(PortEvent.Type.FELL_BACK, chosen.activePort(), chosen.attempts(),
                    "port " + candidates.primary() + " was not available; listening on " + chosen.activePort()));
        }
        return chosen.activePort();
    }

    private int serveInherited(PortSelector.Bind bind) throws Exception {
        long start = System.nanoTime();
        PortAttempt attempt = PortAttempt.inherited(inherited, clock.instant());
        int port = bind.bind(inherited.port());
        selection.set(new PortSelection(candidates, List.of(attempt), port, Duration.ofNanos(System.nanoTime() - start)));
        logger.info("Serving the socket inherited from the service manager, " + inherited.describe()
                + ": no port is bound for the main listener, and none is fallen back to or reclaimed");
        return port;
    }

    /** An event about this server's ports, for the webhooks. */
    PortEvent event(PortEvent.Type type, Integer activePort, List<PortAttempt> attempts, String message) {
        return new PortEvent(type, clock.instant(), ProcessHandle.current().pid(), host.getHostAddress(),
                candidates.primary(), activePort, attempts, message);
    }

    WebhookAlerts alerts() {
        return alerts;
    }

    private void warn(PortAttempt attempt, Integer next) {
        String tail = (next != null) ? "; trying " + next
                : candidates.autoFallback() ? "; no port left to try" : "; web_server.auto_fallback is false";
        logger.warn((fatal ? "Port " : "Management port ") + attempt.port() + " is " + attempt.detail() + tail);
    }

    private void record(ConflictRecord conflict) {
        try {
            history.append(conflict);
        }
        catch (IOException | RuntimeException ex) {
            // the history is a diagnostic: losing one entry must not stop the server
            logger.warn("Could not record the port conflict in " + history.file() + ": " + ex);
        }
    }

}
