package com.virtuoso.server;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.virtuoso.config.WebServerProperties;

/**
 * {@code web_server.access_log}: one line per request through the logging system
 * ({@link LoggingAccessLogValve}), in place of Spring Boot's {@code server.tomcat.accesslog},
 * which can only write files.
 */
@Configuration(proxyBeanMethods = false)
class AccessLogConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> accessLogCustomizer(WebServerProperties properties) {
        return (factory) -> {
            if (properties.isAccessLog()) {
                AccessLogLines.attach();
                factory.addEngineValves(new LoggingAccessLogValve());
            }
        };
    }

}
