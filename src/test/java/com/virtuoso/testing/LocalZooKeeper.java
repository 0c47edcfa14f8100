package com.virtuoso.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.data.Stat;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * A real ZooKeeper server in the test's JVM (Curator's {@link TestingServer}) on 127.0.0.1 and a
 * port picked at run time, that can be stopped and started again on the same port with its data,
 * and a Spring Cloud {@link ZookeeperDiscoveryClient} that looks services up in it as any client
 * of Virtuoso would.
 */
public final class LocalZooKeeper implements AutoCloseable {

    /** Short ticks, so that a test may ask for sessions of a second or two (ZooKeeper allows 2 to 20 ticks). */
    private static final int TICK_MILLIS = 200;

    private final TestingServer server;

    private CuratorFramework client;

    private ServiceDiscovery<ZookeeperInstance> discovery;

    private ZookeeperDiscoveryClient discoveryClient;

    private LocalZooKeeper(TestingServer server) {
        this.server = server;
    }

    /** A ZooKeeper keeping its data in {@code dataDirectory}, running when {@code start}. */
    public static LocalZooKeeper create(Path dataDirectory, boolean start) throws Exception {
        return create(dataDirectory, FreePorts.pick(), start);
    }

    /** A ZooKeeper for clients on 127.0.0.1:{@code port}, keeping its data in {@code dataDirectory}. */
    public static LocalZooKeeper create(Path dataDirectory, int port, boolean start) throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        // standalone: the election and quorum ports are never bound, but given so that Curator picks none itself
        InstanceSpec spec = new InstanceSpec(dataDirectory.toFile(), port, ports.get(0), ports.get(1), false, 1,
                TICK_MILLIS, -1, Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        return new LocalZooKeeper(new TestingServer(spec, start));
    }

    public String connectString() {
        return "127.0.0.1:" + server.getPort();
    }

    public void start() throws Exception {
        server.start();
    }

    /** Stops the server; {@link #restart()} starts it again on the same port, with the same data. */
    public void stop() throws IOException {
        server.stop();
    }

    public void restart() throws Exception {
        server.restart();
    }

    /** The instances of {@code serviceId} that Spring Cloud's discovery client finds. */
    public List<ServiceInstance> instances(String serviceId) throws Exception {
        return discoveryClient().getInstances(serviceId);
    }

    /** Registers an instance of {@code serviceId} at 127.0.0.1:{@code port}, as another server would. */
    public void register(String serviceId, int port) throws Exception {
        discoveryClient();
        discovery.registerService(org.apache.curator.x.discovery.ServiceInstance.<ZookeeperInstance>builder()
            .name(serviceId)
            .address("127.0.0.1")
            .port(port)
            .payload(new ZookeeperInstance(serviceId + "-" + port, serviceId, Map.of()))
            .build());
    }

    /** The session that holds the ephemeral node of an instance, or {@code null} when there is no node. */
    public Long ephemeralOwner(String serviceId, String instanceId) throws Exception {
        discoveryClient();
        Stat stat = client.checkExists().forPath("/services/" + serviceId + "/" + instanceId);
        return (stat != null) ? stat.getEphemeralOwner() : null;
    }

    private synchronized ZookeeperDiscoveryClient discoveryClient() throws Exception {
        if (discoveryClient == null) {
            // fail fast: a test polls, and a look-up while the server is stopped should not wait long
            client = CuratorFrameworkFactory.builder()
                .connectString(connectString())
                .connectionTimeoutMs((int) Duration.ofSeconds(2).toMillis())
                .sessionTimeoutMs((int) Duration.ofSeconds(4).toMillis())
                .retryPolicy(new RetryOneTime(100))
                .build();
            client.start();
            discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                .client(client)
                .basePath("/services")
                .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class))
                .build();
            discovery.start();
            try (InetUtils inet = new InetUtils(new InetUtilsProperties())) {
                discoveryClient = new ZookeeperDiscoveryClient(discovery, null, new ZookeeperDiscoveryProperties(inet));
            }
        }
        return discoveryClient;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (discovery != null) {
                discovery.close();
            }
        }
        finally {
            if (client != null) {
                client.close();
            }
            server.close();
        }
    }

}
