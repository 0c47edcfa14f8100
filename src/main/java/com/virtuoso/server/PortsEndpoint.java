package com.virtuoso.server;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import com.virtuoso.container.Container;
import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.InheritedSocket;
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

    private final Optional<Container> container;

    PortsEndpoint(StartupPorts ports, PortMonitor monitor, ManagementPorts management, Optional<Container> container) {
        this.ports = ports;
        this.monitor = monitor;
        this.management = management;
        this.container = container;
    }

    @ReadOperation
    public PortsReport ports() {
        var selection = ports.selection();
        // an inherited socket listens where the service manager bound it, whatever web_server.host says
        String host = ports.inherited()
            .map((socket) -> socket.address().getAddress().getHostAddress())
            .orElseGet(() -> ports.host().getHostAddress());
        return new PortsReport(host, ports.candidates().primary(),
                selection.map(PortSelection::activePort).orElse(null), monitor.activePorts(),
                selection.map(PortSelection::fellBack).orElse(false), monitor.state().reclaimedPort(),
                ports.candidates().fallbacks(),
                ports.candidates().autoFallback(), selection.map(PortSelection::attempts).orElse(List.of()),
                ports.additionalAttempts(), (management != null) ? managementReport(management.ports()) : null,
                monitor.state(), ports.inherited().map(InheritedReport::of).orElse(null),
                container.map(Container::evidence).orElse(null), ports.history().newestFirst());
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
     * @param host the address the server binds, or the inherited socket listens on
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
     * @param inheritedSocket the socket the main listener serves, handed over by the service manager,
     * or {@code null} when it bound its port itself
     * @param container what says the server runs in a container ({@code /.dockerenv}, ...), or
     * {@code null} when it does not
     * @param history the starts that met a conflict, newest first
     */
    public record PortsReport(String host, int primaryPort, Integer activePort, List<Integer> activePorts,
            boolean fellBack, Integer reclaimedPort,
            List<Integer> fallbackPorts, boolean autoFallback, List<PortAttempt> attempts,
            List<PortAttempt> additionalPorts, ManagementReport management, PortMonitor.State monitor,
            InheritedReport inheritedSocket, String container, List<ConflictRecord> history) {
    }

    /**
     * The socket the service manager handed over.
     *
     * @param address the address it listens on
     * @param port the port it listens on, the primary port
     * @param source {@code LISTEN_FDS} or {@code STANDARD_INPUT}
     */
    public record InheritedReport(String address, int port, InheritedSocket.Source source) {

        static InheritedReport of(InheritedSocket socket) {
            return new InheritedReport(socket.address().getAddress().getHostAddress(), socket.port(), socket.source());
        }

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
