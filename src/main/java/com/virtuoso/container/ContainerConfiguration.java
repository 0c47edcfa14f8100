package com.virtuoso.container;

import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.virtuoso.config.WebServerProperties;
import com.virtuoso.config.WebServerProperties.InContainer;

/** Whether the server runs in a container, and what follows from it. */
@Configuration(proxyBeanMethods = false)
public class ContainerConfiguration {

    @Bean
    ContainerReadiness containerReadiness(WebServerProperties properties, ApplicationEventPublisher events) {
        return new ContainerReadiness(container(properties.getInContainer()), events);
    }

    private static Optional<Container> container(InContainer setting) {
        return switch (setting) {
            case AUTO -> Container.detect();
            case TRUE -> Optional.of(Container.detect().orElse(new Container("web_server.in_container: true")));
            case FALSE -> Optional.empty();
        };
    }

}
