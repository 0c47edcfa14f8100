package com.virtuoso.discovery;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import static java.util.Map.entry;

/**
 * Spring Cloud's defaults turned round: service discovery is off unless
 * {@code spring.cloud.zookeeper.discovery.enabled} is {@code true}, and then
 * {@code spring.cloud.zookeeper.connect-string} is all it takes.
 * <p>
 * Spring Cloud connects to {@code localhost:2181} at every start ({@code spring.cloud.zookeeper.enabled}
 * and {@code spring.cloud.zookeeper.discovery.enabled} default to {@code true}) and waits up to
 * {@code block-until-connected-wait} for it; a trading server that has no ZooKeeper must not. So the
 * ZooKeeper client and Spring Cloud's discovery client follow the one key, and Spring Cloud's
 * auto-registration, which blocks the start and rethrows, stays off: {@link DiscoveryRegistration}
 * registers instead. The health indicators that ask ZooKeeper on every health request are off too:
 * while ZooKeeper is away, each would block the request for the client's connection timeout and
 * retries, and a missing ZooKeeper must not make the trading server look DOWN.
 * <p>
 * ZooKeeper's and Curator's own logs are kept to errors: while ZooKeeper is away, its client logs
 * a warning with a stack trace at every connection attempt, each second. {@link DiscoveryRegistration}
 * says once what happened to the connection and the entry instead.
 * <p>
 * Spring Cloud's refresh scope is off as well: no bean of Virtuoso's is {@code @RefreshScope}, it
 * costs start-up time, and its health component would be new in {@code /actuator/health}. So is
 * its compatibility verifier, which would fail every start, discovery off included, on a Spring
 * Boot version it does not list: the versions are pinned by the build, and checked by its tests.
 * <p>
 * A property source of the lowest precedence, not the shipped {@code application.yaml}: it stays in
 * force when {@code spring.config.location} replaces that file, and any setting of the operator's
 * wins over it.
 */
public class DiscoveryDefaults implements EnvironmentPostProcessor {

    /** The key that turns service discovery on. */
    public static final String ENABLED = "spring.cloud.zookeeper.discovery.enabled";

    static final String PROPERTY_SOURCE = "virtuosoDiscoveryDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String followEnabled = "${" + ENABLED + ":false}";
        environment.getPropertySources()
            .addLast(new MapPropertySource(PROPERTY_SOURCE, Map.ofEntries(entry(ENABLED, "false"),
                    entry("spring.cloud.zookeeper.enabled", followEnabled),
                    entry("spring.cloud.discovery.enabled", followEnabled),
                    entry("spring.cloud.service-registry.auto-registration.enabled", "false"),
                    entry("management.health.zookeeper.enabled", "false"),
                    entry("spring.cloud.discovery.client.health-indicator.enabled", "false"),
                    entry("spring.cloud.discovery.client.composite-indicator.enabled", "false"),
                    entry("logging.level.org.apache.zookeeper", "error"),
                    entry("logging.level.org.apache.curator", "error"),
                    entry("spring.cloud.refresh.enabled", "false"),
                    entry("management.health.refresh.enabled", "false"),
                    entry("spring.cloud.compatibility-verifier.enabled", "false"))));
    }

}
