package com.virtuoso.server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.virtuoso.config.WebServerProperties;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.targets.PrometheusTargets;

/**
 * Keeps this server's Prometheus file-based service discovery target in
 * {@code web_server.prometheus_targets_dir}.
 */
@Configuration(proxyBeanMethods = false)
public class PrometheusTargetsConfiguration {

    @Bean
    PrometheusTargetFile prometheusTargetFile(WebServerProperties properties, StateDirectory stateDirectory) {
        return new PrometheusTargetFile(PrometheusTargets.of(stateDirectory, properties.getPrometheusTargetsDir()),
                new InstanceRegistry(stateDirectory));
    }

}
