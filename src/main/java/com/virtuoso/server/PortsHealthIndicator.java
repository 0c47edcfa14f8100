package com.virtuoso.server;

import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code ports} component of {@code /actuator/health}: UP once the server listens, with the
 * port it listens on and whether it fell back; DOWN when the monitor finds it no longer listens
 * on a port where it should.
 */
class PortsHealthIndicator implements HealthIndicator {

    private final StartupPorts ports;

    private final PortMonitor monitor;

    PortsHealthIndicator(StartupPorts ports, PortMonitor monitor) {
        this.ports = ports;
        this.monitor = monitor;
    }

    @Override
    public Health health() {
        return ports.selection().map((selection) -> {
            List<Integer> missing = monitor.state().missing();
            Health.Builder health = missing.isEmpty() ? Health.up() : Health.down().withDetail("notListeningOn", missing);
            return health.withDetail("activePort", selection.activePort())
                .withDetail("activePorts", monitor.activePorts())
                .withDetail("primaryPort", ports.candidates().primary())
                .withDetail("fellBack", !monitor.activePorts().contains(ports.candidates().primary()))
                .build();
        }).orElseGet(() -> Health.unknown().withDetail("reason", "the server does not listen yet").build());
    }

}
