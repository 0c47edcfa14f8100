package com.virtuoso.server;

import org.springframework.beans.factory.ListableBeanFactory;
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
            WebServerProperties properties, ListableBeanFactory beanFactory) {
        return (factory) -> {
            if (properties.isAccessLog() && isManagementContext(beanFactory)) {
                AccessLogLines.attach();
                factory.addEngineValves(LoggingAccessLogValve.forManagement());
            }
        };
    }

    /**
     * Whether {@code beanFactory} is the management server's context. Component scanning registers
     * this class in the main context too, whose server has its access log already: that context
     * defines the {@link StartupPorts}, which the management context only sees through its parent.
     */
    private static boolean isManagementContext(ListableBeanFactory beanFactory) {
        return beanFactory.getBeanNamesForType(StartupPorts.class, false, false).length == 0;
    }

}
