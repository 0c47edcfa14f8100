package com.virtuoso.server;

import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;

import com.virtuoso.container.Container;
import com.virtuoso.instances.ServerListening;

/**
 * In a container, a port mapping ({@code docker run -p}, a Kubernetes Service) forwards the
 * primary port only, so a server that fell back cannot be reached through it: its readiness
 * refuses traffic (HTTP 503 on {@code /actuator/health/readiness}, and on {@code /actuator/health},
 * which includes readiness) until it is back on its primary port, and an orchestrator routes
 * nothing to it meanwhile. Liveness is left alone: a server on a fallback port is not broken, and
 * restarting it would not free the primary port.
 * <p>
 * Outside a container it does nothing: there a fallback port is as reachable as the primary.
 */
class ContainerReadiness {

    private static final Log logger = LogFactory.getLog(ContainerReadiness.class);

    private final Optional<Container> container;

    private final ApplicationEventPublisher events;

    /**
     * Held while the state changes and its readiness is published, so that the last readiness
     * published says the last state: the start thread (Spring Boot's ACCEPTING_TRAFFIC) and the
     * port monitor's (a reclaim) may meet here.
     */
    private final Object lock = new Object();

    private boolean offPrimary;

    private boolean ready;

    ContainerReadiness(Optional<Container> container, ApplicationEventPublisher events) {
        this.container = container;
        this.events = events;
        container.ifPresent((found) -> logger.info("Running in a container (" + found.evidence() + "): after a fall "
                + "back, readiness refuses traffic until the server is back on its primary port, as a port mapping "
                + "forwards the primary port only. Not in a container? Set web_server.in_container: false"));
    }

    /** The container this server runs in, if it does. */
    Optional<Container> container() {
        return container;
    }

    @EventListener
    void listening(ServerListening event) {
        if (container.isEmpty()) {
            return;
        }
        boolean fellBack = event.fellBack();
        synchronized (lock) {
            offPrimary = fellBack;
            publish(fellBack);
        }
        if (fellBack) {
            logger.warn("Listening on fallback port " + event.instance().port() + " in a container: a port mapping to "
                    + event.instance().primaryPort() + " does not reach it. Readiness refuses traffic until the "
                    + "primary port is back (web_server.reclaim: true takes it back without a restart). Publish the "
                    + "fallback ports too (docker run -p for each), or set web_server.auto_fallback: false to fail "
                    + "instead");
        }
    }

    private void publish(boolean fellBack) {
        if (fellBack) {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        }
        else if (ready) {
            logger.info("Back on the primary port: readiness accepts traffic again");
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    @EventListener
    void applicationReady(ApplicationReadyEvent event) {
        synchronized (lock) {
            ready = true;
        }
    }

    /**
     * Spring Boot says {@code ACCEPTING_TRAFFIC} once the application is ready, whatever port it
     * is on: a server still off its primary port takes it back at once. Spring Boot records the
     * state it said before this listener hears it (its availability bean is registered first);
     * ContainerReadinessTest fails should that order ever change.
     */
    @EventListener
    void readinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getSource() != this && event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
            synchronized (lock) {
                if (offPrimary) {
                    AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
                }
            }
        }
    }

}
