package com.virtuoso.discovery;

import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.RetryPolicy;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.cloud.zookeeper.ZookeeperProperties;
import org.springframework.cloud.zookeeper.discovery.ConditionalOnZookeeperDiscoveryEnabled;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Registers this server in ZooKeeper when {@code spring.cloud.zookeeper.discovery.enabled} is
 * {@code true} (see {@link DiscoveryDefaults}). Spring Cloud's auto-configuration supplies the
 * properties, the retry policy and the discovery client; the ZooKeeper client and the
 * registration are made here, so that a ZooKeeper that is away never holds up the start.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnZookeeperDiscoveryEnabled
class DiscoveryConfiguration {

    private static final Log logger = LogFactory.getLog(DiscoveryConfiguration.class);

    private static final String CONNECT_STRING = "spring.cloud.zookeeper.connect-string";

    /**
     * The ZooKeeper client, as Spring Cloud makes it but started without waiting for a
     * connection: Spring Cloud's waits up to {@code block-until-connected-wait} in the start.
     * Curator connects (and reconnects) in the background.
     */
    @Bean(destroyMethod = "close")
    CuratorFramework curatorFramework(ZookeeperProperties properties, RetryPolicy retryPolicy,
            ObjectProvider<CuratorFrameworkCustomizer> customizers, ObjectProvider<EnsembleProvider> ensemble,
            Environment environment) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
            .sessionTimeoutMs((int) properties.getSessionTimeout().toMillis())
            .connectionTimeoutMs((int) properties.getConnectionTimeout().toMillis())
            .retryPolicy(retryPolicy)
            // it follows a dynamically reconfigured ensemble; while ZooKeeper is away it logs its failures as
            // errors with stack traces, and Virtuoso keeps to the connect string it is given
            .ensembleTracker(false);
        EnsembleProvider provider = ensemble.getIfAvailable();
        if (provider != null) {
            builder.ensembleProvider(provider);
        }
        else {
            defaultConnectStringWarning(environment, properties).ifPresent(logger::warn);
            builder.connectString(properties.getConnectString());
        }
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        CuratorFramework curator = builder.build();
        curator.start();
        return curator;
    }

    /**
     * The warning for a connect string left to Spring Cloud's default, which would go unnoticed:
     * the server would look for a ZooKeeper on its own machine.
     */
    static Optional<String> defaultConnectStringWarning(Environment environment, ZookeeperProperties properties) {
        if (environment.containsProperty(CONNECT_STRING)) {
            return Optional.empty();
        }
        return Optional.of("Service discovery is on, but " + CONNECT_STRING + " is not set: using Spring Cloud's "
                + "default, " + properties.getConnectString());
    }

    /**
     * Spring Cloud's key for a client that looks others up but is not to be found itself: then no
     * entry is written, and the discovery client works as before.
     */
    @Bean
    @ConditionalOnProperty(name = "spring.cloud.zookeeper.discovery.register", matchIfMissing = true)
    DiscoveryRegistration discoveryRegistration(CuratorFramework curator, ZookeeperProperties zookeeper,
            ZookeeperDiscoveryProperties discovery, Environment environment, ApplicationContext context) {
        return new DiscoveryRegistration(context, curator, zookeeper.getConnectString(),
                zookeeper.getConnectionTimeout(), new DiscoveryInstances(discovery, environment));
    }

}
