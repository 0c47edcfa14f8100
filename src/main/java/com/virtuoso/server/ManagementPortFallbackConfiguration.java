package com.virtuoso.server;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * In the management server's own context (when it has a port of its own): bind through the
 * {@link ManagementPorts} of the main context. Spring Boot makes the management server's factory
 * of the main one's class, {@link PortFallbackTomcatFactory}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementPortFallbackConfiguration {

    @Bean
    WebServerFactoryCustomizer<PortFallbackTomcatFactory> managementPortFallbackCustomizer(
            ObjectProvider<ManagementPorts> managementPorts) {
        return (factory) -> managementPorts.ifAvailable((management) -> factory.bindThrough(management.ports()));
    }

}
