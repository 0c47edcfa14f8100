package com.virtuoso.server;

import org.apache.catalina.connector.Connector;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Tomcat bind through {@link StartupPorts}: the main connector tries the candidates in
 * turn, and each of {@code web_server.additional_ports} gets a connector of its own that is
 * skipped when its port cannot be bound.
 */
class PortFallbackCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private final StartupPorts ports;

    PortFallbackCustomizer(StartupPorts ports) {
        this.ports = ports;
    }

    /** Last, so that the connector settings of Spring Boot's customizers exist to copy to extra listeners. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.setProtocol(FallbackHttp11NioProtocol.class.getName());
        factory.addProtocolHandlerCustomizers(
                (TomcatProtocolHandlerCustomizer<FallbackHttp11NioProtocol>) (protocol) -> protocol.bindThrough(ports));
        for (int port : ports.additionalPorts()) {
            Connector connector = new Connector(FallbackHttp11NioProtocol.class.getName());
            connector.setPort(port);
            connector.setProperty("address", ports.host().getHostAddress());
            // the same keep-alive, timeouts and limits as the main listener
            for (TomcatConnectorCustomizer customizer : factory.getConnectorCustomizers()) {
                customizer.customize(connector);
            }
            ((FallbackHttp11NioProtocol) connector.getProtocolHandler()).bindAsAdditional(ports);
            factory.addAdditionalConnectors(connector);
        }
    }

}
