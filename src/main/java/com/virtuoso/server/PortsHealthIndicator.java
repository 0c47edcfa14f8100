package com.virtuoso.server;

import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code ports} component of {@code /actuator/health}: UP once the server listens, with the
 * port it listens on and whether it fell back; DOWN when the monitor finds it no longer listens
 * on a port where it should; UNKNOWN when the monitor could not tell (a failed look is not a lost
 * listener, and reporting it as DOWN would get a healthy server restarted), or when its last check
 * is too old to be believed.
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
            PortMonitor.State state = monitor.state();
            List<Integer> missing = state.missing();
            Object lastChecked = (state.checkedAt() != null) ? state.checkedAt() : "never";
            Health.Builder health = monitor.stale() ? Health.unknown().withDetail("monitorLastChecked", lastChecked)
                    : !missing.isEmpty() ? Health.down().withDetail("notListeningOn", missing)
                    : !state.unknown().isEmpty() ? Health.unknown().withDetail("cannotTellListeningOn", state.unknown())
                    : Health.up();
            return health.withDetail("activePort", selection.activePort())
                .withDetail("activePorts", monitor.activePorts())
                .withDetail("primaryPort", ports.candidates().primary())
                .withDetail("fellBack", !monitor.activePorts().contains(ports.candidates().primary()))
                .build();
        }).orElseGet(() -> Health.unknown().withDetail("reason", "the server does not listen yet").build());
    }

}
