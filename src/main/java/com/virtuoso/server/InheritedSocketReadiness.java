package com.virtuoso.server;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * On an inherited socket, the main listener accepts connections while the application's
 * readiness is {@code ACCEPTING_TRAFFIC}; while it refuses traffic (starting, stopping, or refused
 * by the application itself) connections wait in the socket's backlog, which the service manager
 * keeps across a restart, for a server that is ready. A listener that bound its own port accepts
 * from its start to its stop, as Spring Boot's does.
 * <p>
 * It runs before the readiness is recorded, and closing waits for the connections already taken
 * to be served: they are answered while the server still reports itself ready, and none is left
 * to meet a health that says out of service.
 */
class InheritedSocketReadiness {

    private volatile FallbackHttp11NioProtocol main;

    @EventListener
    void webServerInitialized(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null
                && event.getWebServer() instanceof TomcatWebServer tomcat
                && tomcat.getTomcat().getConnector().getProtocolHandler() instanceof FallbackHttp11NioProtocol protocol) {
            main = protocol;
        }
    }

    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void readinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
        FallbackHttp11NioProtocol protocol = main;
        if (protocol != null) {
            protocol.accepting(event.getState() == ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

}
