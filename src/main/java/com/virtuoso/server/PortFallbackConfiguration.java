package com.virtuoso.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import com.virtuoso.alerts.WebhookAlerts;
import com.virtuoso.config.ConfigFile;
import com.virtuoso.config.WebServerProperties;
import com.virtuoso.container.Container;
import com.virtuoso.container.DockerEngine;
import com.virtuoso.history.ConflictHistory;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.InheritedSocket;
import com.virtuoso.ports.PortCandidates;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PortSelector;
import com.virtuoso.ports.PortTraps;
import com.virtuoso.ports.SocketActivation;
import com.virtuoso.state.StateDirectory;

/**
 * Wires the port core into Tomcat and Actuator.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebServerProperties.class)
public class PortFallbackConfiguration {

    private static final Log logger = LogFactory.getLog(PortFallbackConfiguration.class);

    private static final Duration MIN_HOLDER_LOOKUP = Duration.ofMillis(200);

    private static final Duration MAX_HOLDER_LOOKUP = Duration.ofSeconds(2);

    @Bean
    WebhookAlerts webhookAlerts(WebServerProperties properties) {
        List<WebhookAlerts.Webhook> webhooks = properties.getAlerts()
            .getWebhooks()
            .stream()
            .map((webhook) -> new WebhookAlerts.Webhook(webhook.getUrl(), webhook.getFormat()))
            .toList();
        return new WebhookAlerts(webhooks, properties.getAlerts().getDedupWindow(), Clock.systemUTC(), logger::warn);
    }

    @Bean
    PortPrivileges portPrivileges() {
        return PortPrivileges.detect();
    }

    @Bean
    PortHolderLookup portHolderLookup(WebServerProperties properties) {
        // a port held by docker-proxy is named after the container that publishes it, when the engine answers
        return new PortHolderLookup(DockerEngine.of(System.getenv("DOCKER_HOST")),
                Container.detect(properties.getInContainer()).isEmpty());
    }

    @Bean
    PortSelector portSelector(PortPrivileges privileges, PortHolderLookup holders) {
        return new PortSelector(new BindFailureClassifier(privileges), holders, Clock.systemUTC());
    }

    @Bean
    StartupPorts startupPorts(WebServerProperties properties, ServerProperties server, PortPrivileges privileges,
            PortSelector selector, WebhookAlerts alerts, StateDirectory stateDirectory) throws UnknownHostException {
        // server.port and server.address carry web_server.port and host unless Spring's own keys override them
        InetAddress host = (server.getAddress() != null) ? server.getAddress() : InetAddress.getByName(properties.getHost());
        ConflictHistory history = new ConflictHistory(stateDirectory, properties.getHistoryLimit());
        Optional<InheritedSocket> inherited = inheritedSocket();
        if (inherited.isPresent()) {
            return new StartupPorts(host, inherited.get(), properties.getAdditionalPorts(), selector, history, alerts,
                    Clock.systemUTC());
        }
        int primary = (server.getPort() != null) ? server.getPort() : properties.getPort();
        PortCandidates candidates = new PortCandidates(primary, properties.getFallbackPorts(), properties.isAutoFallback());
        new PortTraps(privileges).warnings(candidates).forEach(logger::warn);
        return new StartupPorts(host, candidates, properties.getAdditionalPorts(), selector, history, alerts,
                Clock.systemUTC());
    }

    /**
     * The socket the service manager handed over, if any. Variables meant for another process are
     * told and ignored; a socket that cannot be served fails the start.
     */
    private static Optional<InheritedSocket> inheritedSocket() {
        SocketActivation.Detection detection = SocketActivation.ofThisProcess().detect();
        detection.warnings().forEach(logger::warn);
        return detection.socket();
    }

    @Bean
    @ConditionalOnProperty("management.server.port")
    ManagementPorts managementPorts(WebServerProperties properties, ManagementServerProperties management,
            StartupPorts main, PortSelector selector, WebhookAlerts alerts) {
        InetAddress host = (management.getAddress() != null) ? management.getAddress() : main.host();
        PortCandidates candidates = new PortCandidates(management.getPort(), properties.getManagementFallbackPorts(),
                true);
        return new ManagementPorts(new StartupPorts(host, candidates, List.of(), selector, main.history(), alerts,
                Clock.systemUTC(), false));
    }

    /**
     * In place of Spring Boot's factory, made as Spring Boot makes its own, so that every listener
     * can be set up as the main one.
     */
    @Bean
    PortFallbackTomcatFactory tomcatServletWebServerFactory(ObjectProvider<TomcatConnectorCustomizer> connectorCustomizers,
            ObjectProvider<TomcatContextCustomizer> contextCustomizers,
            ObjectProvider<TomcatProtocolHandlerCustomizer<?>> protocolHandlerCustomizers) {
        PortFallbackTomcatFactory factory = new PortFallbackTomcatFactory();
        factory.getConnectorCustomizers().addAll(connectorCustomizers.orderedStream().toList());
        factory.getContextCustomizers().addAll(contextCustomizers.orderedStream().toList());
        factory.getProtocolHandlerCustomizers().addAll(protocolHandlerCustomizers.orderedStream().toList());
        return factory;
    }

    @Bean
    InheritedSocketReadiness inheritedSocketReadiness() {
        return new InheritedSocketReadiness();
    }

    @Bean
    PortFallbackCustomizer portFallbackCustomizer(StartupPorts ports) {
        return new PortFallbackCustomizer(ports);
    }

    @Bean
    RunningInstance runningInstance(StartupPorts ports, StateDirectory stateDirectory, Environment environment,
            ObjectProvider<BuildProperties> build, ApplicationEventPublisher events) {
        InstanceRegistry registry = new InstanceRegistry(stateDirectory);
        String version = build.stream().map(BuildProperties::getVersion).findFirst().orElse("unknown");
        return new RunningInstance(ports, registry, version, ConfigFile.of(environment), events);
    }

    @Bean
    PortMonitor portMonitor(StartupPorts ports, WebServerProperties properties, RunningInstance instance,
            PortPrivileges privileges, PortHolderLookup holders, ObjectProvider<PortMonitor.Probes> probes,
            ObjectProvider<PortFallbackTomcatFactory> listeners) {
        Duration interval = properties.getMonitor().getInterval();
        PortProbe probe = new PortProbe(new BindFailureClassifier(privileges), holders);
        return new PortMonitor(ports,
                probes.getIfAvailable(() -> PortMonitor.Probes.of(holders, probe, holderLookupBudget(interval))),
                interval, properties.isReclaim(), properties.getReclaimReleaseFallbackAfter(),
                // looked up when a listener is made: the factory must be customized before anyone holds it
                (port) -> listeners.getObject().newListener(port),
                instance, Clock.systemUTC());
    }

    /**
     * How long the monitor may look for who holds the primary port: a check should cost a small
     * part of its interval, but below about 200 ms a busy machine's /proc cannot be listed at all.
     */
    private static Duration holderLookupBudget(Duration interval) {
        Duration half = interval.dividedBy(2);
        return (half.compareTo(MIN_HOLDER_LOOKUP) < 0) ? MIN_HOLDER_LOOKUP
                : (half.compareTo(MAX_HOLDER_LOOKUP) > 0) ? MAX_HOLDER_LOOKUP : half;
    }

    @Bean
    ContainerReadiness containerReadiness(WebServerProperties properties, ApplicationEventPublisher events) {
        return new ContainerReadiness(Container.detect(properties.getInContainer()), events);
    }

    @Bean
    PortsEndpoint portsEndpoint(StartupPorts ports, PortMonitor monitor, ObjectProvider<ManagementPorts> management,
            ContainerReadiness container) {
        return new PortsEndpoint(ports, monitor, management.getIfAvailable(), container.container());
    }

    @Bean
    PortsHealthIndicator portsHealthIndicator(StartupPorts ports, PortMonitor monitor) {
        return new PortsHealthIndicator(ports, monitor);
    }

    @Bean
    PortsInfoContributor portsInfoContributor(StartupPorts ports) {
        return new PortsInfoContributor(ports);
    }

    @Bean
    PortMetrics portMetrics(StartupPorts ports, PortMonitor monitor) {
        return new PortMetrics(ports, monitor);
    }

}
