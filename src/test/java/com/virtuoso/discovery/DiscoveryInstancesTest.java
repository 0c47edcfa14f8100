package com.virtuoso.discovery;

import java.time.Instant;

import org.apache.curator.x.discovery.ServiceInstance;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperServiceInstance;
import org.springframework.mock.env.MockEnvironment;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.ServerListening;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the server registers: the address clients should use, the port it listens on, the
 * fall-back facts, one id for the life of the process.
 */
class DiscoveryInstancesTest {

    private final ZookeeperDiscoveryProperties properties;

    private final MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name",
            "trading");

    DiscoveryInstancesTest() {
        try (InetUtils inet = new InetUtils(new InetUtilsProperties())) {
            properties = new ZookeeperDiscoveryProperties(inet);
        }
        // what Spring Cloud picks for a server on every address: the first address that is not loopback
        properties.setInstanceHost("trading-1.example.com");
        properties.getMetadata().put("zone", "eu-1");
    }

    @Test
    void aServerOnOneAddressIsRegisteredAtThatAddressAndItsPort() throws Exception {
        ServiceInstance<ZookeeperInstance> instance = new DiscoveryInstances(properties, environment)
            .of(listening("127.0.0.1", 8002, 8000, 3));
        assertThat(instance.getName()).isEqualTo("trading");
        assertThat(instance.getAddress()).isEqualTo("127.0.0.1");
        assertThat(instance.getPort()).isEqualTo(8002);
        assertThat(instance.buildUriSpec()).isEqualTo("http://127.0.0.1:8002");
        assertThat(instance.getPayload().getMetadata()).containsEntry("primaryPort", "8000")
            .containsEntry("fellBack", "true")
            .containsEntry("attempts", "3")
            .containsEntry("instance_status", "UP")
            .containsEntry("zone", "eu-1");
    }

    @Test
    void aServerOnEveryAddressIsRegisteredAtTheAddressSpringCloudPicks() throws Exception {
        DiscoveryInstances instances = new DiscoveryInstances(properties, environment);
        assertThat(instances.of(listening("0.0.0.0", 8000, 8000, 1)).getAddress()).isEqualTo("trading-1.example.com");
        assertThat(instances.of(listening("::", 8000, 8000, 1)).getAddress()).isEqualTo("trading-1.example.com");
    }

    @Test
    void anInstanceHostTheOperatorSetWinsOverTheBoundAddress() throws Exception {
        environment.setProperty("spring.cloud.zookeeper.discovery.instance-host", "trading-1.example.com");
        assertThat(new DiscoveryInstances(properties, environment).of(listening("10.0.0.5", 8000, 8000, 1))
            .getAddress()).isEqualTo("trading-1.example.com");
    }

    @Test
    void theInstanceKeepsItsIdWhenItMoves() throws Exception {
        DiscoveryInstances instances = new DiscoveryInstances(properties, environment);
        ServiceInstance<ZookeeperInstance> fellBack = instances.of(listening("127.0.0.1", 8002, 8000, 3));
        ServiceInstance<ZookeeperInstance> moved = instances.of(listening("127.0.0.1", 8000, 8000, 3));
        assertThat(moved.getId()).isEqualTo(fellBack.getId());
        assertThat(moved.getPayload().getMetadata()).containsEntry("fellBack", "false").containsEntry("attempts", "3");
    }

    @Test
    void aServerThatSpeaksTlsIsRegisteredAsSecureAtItsPort() throws Exception {
        ServiceInstance<ZookeeperInstance> instance = new DiscoveryInstances(properties, environment)
            .of(new ServerListening(record("127.0.0.1", 8443, 8443), 1, true));
        ZookeeperServiceInstance found = new ZookeeperServiceInstance("trading", instance);
        assertThat(found.isSecure()).isTrue();
        assertThat(found.getPort()).isEqualTo(8443);
        assertThat(found.getUri()).hasToString("https://127.0.0.1:8443");
    }

    @Test
    void aServerInPlainHttpIsNotSecure() throws Exception {
        ServiceInstance<ZookeeperInstance> instance = new DiscoveryInstances(properties, environment)
            .of(listening("127.0.0.1", 8000, 8000, 1));
        assertThat(instance.getSslPort()).isNull();
        assertThat(new ZookeeperServiceInstance("trading", instance).isSecure()).isFalse();
    }

    private static ServerListening listening(String host, int port, int primaryPort, int attempts) {
        return new ServerListening(record(host, port, primaryPort), attempts, false);
    }

    private static InstanceRecord record(String host, int port, int primaryPort) {
        return new InstanceRecord(4242, Instant.EPOCH, 1L, host, port, primaryPort, "0.1.0", "/srv/virtuoso", null);
    }

}
