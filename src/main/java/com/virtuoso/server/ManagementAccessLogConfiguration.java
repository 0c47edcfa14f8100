package com.virtuoso.server;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

import com.virtuoso.config.WebServerProperties;

/**
 * In the management server's own context (when it has a port of its own): the access log of
 * {@link AccessLogConfiguration}, which only reaches the main server, its lines marked with
 * {@link LoggingAccessLogValve#MANAGEMENT_MARK}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementAccessLogConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementAccessLogCustomizer(
            WebServerProperties properties) {
        return (factory) -> {
            if (properties.isAccessLog()) {
                AccessLogLines.attach();
                factory.addEngineValves(LoggingAccessLogValve.forManagement());
            }
        };
    }

}
