package com.virtuoso.server;

import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Makes the main server bind through {@link StartupPorts}.
 */
class PortFallbackCustomizer implements WebServerFactoryCustomizer<PortFallbackTomcatFactory> {

    private final StartupPorts ports;

    PortFallbackCustomizer(StartupPorts ports) {
        this.ports = ports;
    }

    @Override
    public void customize(PortFallbackTomcatFactory factory) {
        factory.bindThrough(ports);
    }

}
