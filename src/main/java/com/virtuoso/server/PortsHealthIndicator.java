package com.virtuoso.server;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code ports} component of {@code /actuator/health}: UP once the server listens, with the
 * port it listens on and whether it fell back.
 */
class PortsHealthIndicator implements HealthIndicator {

    private final StartupPorts ports;

    PortsHealthIndicator(StartupPorts ports) {
        this.ports = ports;
    }

    @Override
    public Health health() {
        return ports.selection()
            .map((selection) -> Health.up()
                .withDetail("activePort", selection.activePort())
                .withDetail("primaryPort", ports.candidates().primary())
                .withDetail("fellBack", selection.fellBack())
                .build())
            .orElseGet(() -> Health.unknown().withDetail("reason", "the server does not listen yet").build());
    }

}
