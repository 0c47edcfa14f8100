package com.virtuoso.server;

import org.apache.catalina.Executor;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

/**
 * Spring Boot's Tomcat factory, binding through {@link StartupPorts}: the main connector tries the
 * candidates in turn, and each of {@code web_server.additional_ports} gets a connector of its own
 * that is skipped when its port cannot be bound.
 * <p>
 * Every listener it makes, the extra ones and the primary reclaimed later included, is set up by
 * Spring Boot's own {@code customizeConnector}, exactly as the main one: TLS ({@code server.ssl.*}),
 * HTTP/2, compression, server header, timeouts and limits. Without {@link #bindThrough} it is a
 * plain Spring Boot factory: Spring Boot makes one of this class for a management server with a
 * port of its own, by its no-argument constructor.
 */
public class PortFallbackTomcatFactory extends TomcatServletWebServerFactory {

    private StartupPorts ports;

    /** Binds the main connector through {@code ports}, and adds a listener for each of their additional ports. */
    void bindThrough(StartupPorts ports) {
        this.ports = ports;
        setProtocol(FallbackHttp11NioProtocol.class.getName());
    }

    /**
     * A listener on {@code port} of the configured host, set up as the main one. It binds when
     * it is added to a started service, or when the service starts.
     */
    Connector newListener(int port) {
        Connector connector = new Connector(getProtocol());
        customizeConnector(connector);
        connector.setPort(port);
        if (ports != null) {
            connector.setProperty("address", ports.host().getHostAddress());
        }
        return connector;
    }

    @Override
    protected Tomcat createTomcat() {
        Tomcat tomcat = super.createTomcat();
        if (ports != null) {
            protocolOf(tomcat.getConnector()).bindThrough(ports);
            for (int port : ports.additionalPorts()) {
                Connector connector = newListener(port);
                protocolOf(connector).bindAsAdditional(ports);
                addToService(tomcat.getService(), connector);
            }
        }
        return tomcat;
    }

    private static FallbackHttp11NioProtocol protocolOf(Connector connector) {
        return (FallbackHttp11NioProtocol) connector.getProtocolHandler();
    }

    /**
     * As Spring Boot adds its additional connectors: an executor of their own lives and dies with
     * the service. A started service starts the connector: it binds now.
     */
    static void addToService(Service service, Connector connector) {
        service.addConnector(connector);
        if (connector.getProtocolHandler().getExecutor() instanceof Executor executor) {
            service.addExecutor(executor);
        }
    }

}
