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

    PortsEndpoint(StartupPorts ports, PortMonitor monitor) {
        this.ports = ports;
        this.monitor = monitor;
    }

    @ReadOperation
    public PortsReport ports() {
        var selection = ports.selection();
        return new PortsReport(ports.host().getHostAddress(), ports.candidates().primary(),
                selection.map(PortSelection::activePort).orElse(null), monitor.activePorts(),
                selection.map(PortSelection::fellBack).orElse(false), monitor.state().reclaimedPort(),
                ports.candidates().fallbacks(),
                ports.candidates().autoFallback(), selection.map(PortSelection::attempts).orElse(List.of()),
                ports.additionalAttempts(), ports.history().newestFirst());
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
     * @param history the starts that met a conflict, newest first
     */
    public record PortsReport(String host, int primaryPort, Integer activePort, List<Integer> activePorts,
            boolean fellBack, Integer reclaimedPort,
            List<Integer> fallbackPorts, boolean autoFallback, List<PortAttempt> attempts,
            List<PortAttempt> additionalPorts, List<ConflictRecord> history) {
    }

}
