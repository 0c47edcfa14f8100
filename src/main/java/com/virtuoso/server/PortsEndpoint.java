package com.virtuoso.server;

import java.util.List;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortSelection;

/**
 * {@code /actuator/ports}: the port this server chose, this start's attempts, and the conflict
 * history across starts.
 */
@Endpoint(id = "ports")
public class PortsEndpoint {

    private final StartupPorts ports;

    private final PortMonitor monitor;

    private final ManagementPorts management;

    PortsEndpoint(StartupPorts ports, PortMonitor monitor, ManagementPorts management) {
        this.ports = ports;
        this.monitor = monitor;
        this.management = management;
    }

    @ReadOperation
    public PortsReport ports() {
        var selection = ports.selection();
        return new PortsReport(ports.host().getHostAddress(), ports.candidates().primary(),
                selection.map(PortSelection::activePort).orElse(null), monitor.activePorts(),
                selection.map(PortSelection::fellBack).orElse(false), monitor.state().reclaimedPort(),
                ports.candidates().fallbacks(),
                ports.candidates().autoFallback(), selection.map(PortSelection::attempts).orElse(List.of()),
                ports.additionalAttempts(), (management != null) ? managementReport(management.ports()) : null,
                monitor.state(),
                ports.history().newestFirst());
    }

    private static ManagementReport managementReport(StartupPorts ports) {
        var selection = ports.selection();
        List<PortAttempt> attempts = selection.map(PortSelection::attempts)
            .orElseGet(() -> ports.exhausted().map((exhausted) -> exhausted.attempts()).orElse(List.of()));
        return new ManagementReport(ports.candidates().primary(), selection.map(PortSelection::activePort).orElse(null),
                ports.candidates().fallbacks(), attempts);
    }

    /**
     * The body of {@code GET /actuator/ports}.
     *
     * @param host the address the server binds
     * @param primaryPort the configured port
     * @param activePort the port the server chose at start, or {@code null} before it listens
     * @param activePorts every port the server listens on now (the primary too, once reclaimed)
     * @param fellBack whether {@code activePort} is not the primary port
     * @param reclaimedPort the primary port once the monitor reclaimed it, or {@code null}
     * @param fallbackPorts the configured fallback ports
     * @param autoFallback whether fallback is on
     * @param attempts the binds of this start, in order
     * @param additionalPorts what binding each of web_server.additional_ports did
     * @param management the management server's ports, when it has a port of its own, or {@code null}
     * @param monitor what the port monitor saw last
     * @param history the starts that met a conflict, newest first
     */
    public record PortsReport(String host, int primaryPort, Integer activePort, List<Integer> activePorts,
            boolean fellBack, Integer reclaimedPort,
            List<Integer> fallbackPorts, boolean autoFallback, List<PortAttempt> attempts,
            List<PortAttempt> additionalPorts, ManagementReport management, PortMonitor.State monitor,
            List<ConflictRecord> history) {
    }

    /**
     * The management server's ports.
     *
     * @param primaryPort management.server.port
     * @param activePort the port it listens on, or {@code null} when none could be bound
     * @param fallbackPorts web_server.management_fallback_ports
     * @param attempts its binds, in order
     */
    public record ManagementReport(int primaryPort, Integer activePort, List<Integer> fallbackPorts,
            List<PortAttempt> attempts) {
    }

}
