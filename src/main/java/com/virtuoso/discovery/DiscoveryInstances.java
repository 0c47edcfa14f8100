package com.virtuoso.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceInstanceBuilder;
import org.apache.curator.x.discovery.UriSpec;

import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.support.StatusConstants;
import org.springframework.core.env.Environment;

import com.virtuoso.instances.ServerListening;

/**
 * This server as Spring Cloud Zookeeper registers an application, so that its
 * {@code DiscoveryClient} finds it: under {@code spring.application.name}, with one instance id
 * for the life of the process, at the port the server listens on and with the fall-back facts as
 * metadata.
 */
class DiscoveryInstances {

    /** The port the server was configured to listen on. */
    static final String PRIMARY_PORT = "primaryPort";

    /** Whether the server listens on another port than its primary one. */
    static final String FELL_BACK = "fellBack";

    /** How many ports the start tried before it could listen. */
    static final String ATTEMPTS = "attempts";

    private final ZookeeperDiscoveryProperties properties;

    private final String name;

    private final String id;

    private final boolean instanceHostSet;

    DiscoveryInstances(ZookeeperDiscoveryProperties properties, Environment environment) {
        this.properties = properties;
        this.name = environment.getProperty("spring.application.name", "virtuoso");
        this.id = (properties.getInstanceId() != null) ? properties.getInstanceId() : UUID.randomUUID().toString();
        this.instanceHostSet = environment.containsProperty("spring.cloud.zookeeper.discovery.instance-host")
                || environment.containsProperty("spring.cloud.zookeeper.discovery.instance-ip-address");
    }

    /** The ZooKeeper path under which services register ({@code spring.cloud.zookeeper.discovery.root}). */
    String root() {
        return properties.getRoot();
    }

    /** The instance to register for where the server listens now. */
    ServiceInstance<ZookeeperInstance> of(ServerListening listening) throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>(properties.getMetadata());
        metadata.put(StatusConstants.INSTANCE_STATUS_KEY, properties.getInitialStatus());
        metadata.put(PRIMARY_PORT, Integer.toString(listening.instance().primaryPort()));
        metadata.put(FELL_BACK, Boolean.toString(listening.fellBack()));
        metadata.put(ATTEMPTS, Integer.toString(listening.attempts()));
        int port = listening.instance().port();
        ServiceInstanceBuilder<ZookeeperInstance> builder = ServiceInstance.<ZookeeperInstance>builder()
            .id(id)
            .name(name)
            .address(host(listening.instance().host()))
            .port(port)
            .uriSpec(new UriSpec(properties.getUriSpec()))
            .payload(new ZookeeperInstance(id, name, metadata));
        if (listening.secure()) {
            // the ssl port is what says TLS: Spring Cloud's ZookeeperServiceInstance is secure, at the ssl port,
            // when it is set, and Curator's {scheme} is https then; {port} in the uri spec stays the plain port,
            // so both are this one
            builder.sslPort(port);
        }
        return builder.build();
    }

    /**
     * The address clients should use: the one the operator set, else the one the server binds,
     * else, for a server on every address, the one Spring Cloud picks (the first address that is
     * not loopback, by name or by IP with {@code prefer-ip-address}).
     */
    private String host(String listeningHost) throws UnknownHostException {
        if (instanceHostSet || InetAddress.getByName(listeningHost).isAnyLocalAddress()) {
            return properties.getInstanceHost();
        }
        return listeningHost;
    }

}
