package com.virtuoso.server;

import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.PortSelection;

/**
 * The port facts as Micrometer meters, read from {@link StartupPorts} at each scrape:
 * <ul>
 * <li>{@code virtuoso.ports.active}: the port the server chose at start;</li>
 * <li>{@code virtuoso.ports.reclaimed}: the primary port, once reclaimed, where it listens too;</li>
 * <li>{@code virtuoso.ports.conflicts{outcome}}: candidates this start could not bind, by reason;</li>
 * <li>{@code virtuoso.ports.inherited}: 1 when the server serves a socket the service manager handed over;</li>
 * <li>{@code virtuoso.ports.fallbacks}: 1 when this start fell back from the primary port;</li>
 * <li>{@code virtuoso.ports.reclaims}: 1 once the monitor reclaimed the primary port;</li>
 * <li>{@code virtuoso.ports.selection}: how long choosing the port took.</li>
 * </ul>
 */
class PortMetrics implements MeterBinder {

    private final StartupPorts ports;

    private final PortMonitor monitor;

    PortMetrics(StartupPorts ports, PortMonitor monitor) {
        this.ports = ports;
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("virtuoso.ports.active", ports, (p) -> p.selection().map((s) -> (double) s.activePort())
            .orElse(Double.NaN))
            .description("The port the server listens on")
            .tag("primary", Integer.toString(ports.candidates().primary()))
            .register(registry);
        Gauge.builder("virtuoso.ports.reclaimed", monitor,
                (m) -> (m.state().reclaimedPort() != null) ? m.state().reclaimedPort() : Double.NaN)
            .description("The primary port once reclaimed: the server listens there too")
            .register(registry);
        for (BindOutcome outcome : EnumSet.complementOf(EnumSet.of(BindOutcome.BOUND, BindOutcome.INHERITED))) {
            FunctionCounter.builder("virtuoso.ports.conflicts", ports,
                    (p) -> p.selection().map((s) -> (double) s.count(outcome)).orElse(0.0))
                .description("Candidate ports this start could not bind, by reason")
                .tag("outcome", outcome.name())
                .register(registry);
        }
        Gauge.builder("virtuoso.ports.inherited", ports, (p) -> p.inherited().isPresent() ? 1.0 : 0.0)
            .description("1 when the server serves a socket the service manager handed over (socket activation)")
            .register(registry);
        FunctionCounter.builder("virtuoso.ports.fallbacks", ports,
                (p) -> p.selection().filter(PortSelection::fellBack).map((s) -> 1.0).orElse(0.0))
            .description("Starts that fell back from the primary port (this process: 0 or 1)")
            .register(registry);
        FunctionCounter.builder("virtuoso.ports.reclaims", monitor,
                (m) -> (m.state().reclaimedPort() != null) ? 1.0 : 0.0)
            .description("Primary ports reclaimed without a restart (this process: 0 or 1)")
            .register(registry);
        TimeGauge.builder("virtuoso.ports.selection", ports, TimeUnit.MILLISECONDS,
                (p) -> p.selection().map((s) -> s.took().toNanos() / 1e6).orElse(Double.NaN))
            .description("How long choosing the port took, holder lookups included")
            .register(registry);
    }

}
