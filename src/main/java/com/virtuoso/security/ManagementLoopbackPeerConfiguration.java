package com.virtuoso.security;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * In the management server's own context (when it has a port of its own): the same loopback
 * marking as the main server, so that the shared security chain tells local clients apart there
 * too. Spring Boot hands the main context's security filter chain to the management server.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementLoopbackPeerConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementLoopbackPeerValveCustomizer() {
        return LoopbackPeerValve::addTo;
    }

}
