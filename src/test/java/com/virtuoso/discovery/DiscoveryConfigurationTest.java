package com.virtuoso.discovery;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.zookeeper.ZookeeperProperties;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warning for a connect string left to Spring Cloud's default, checked without a client: a
 * test that started one would connect to whatever listens on localhost:2181.
 */
class DiscoveryConfigurationTest {

    @Test
    void withoutAConnectStringTheWarningNamesTheKeyAndTheDefaultInUse() {
        assertThat(DiscoveryConfiguration.defaultConnectStringWarning(new MockEnvironment(), new ZookeeperProperties()))
            .contains("Service discovery is on, but spring.cloud.zookeeper.connect-string is not set: using "
                    + "Spring Cloud's default, localhost:2181");
    }

    @Test
    void aConnectStringGivenIsNotWarnedAbout() {
        ZookeeperProperties properties = new ZookeeperProperties();
        properties.setConnectString("zk.example:2181");
        assertThat(DiscoveryConfiguration.defaultConnectStringWarning(
                new MockEnvironment().withProperty("spring.cloud.zookeeper.connect-string", "zk.example:2181"),
                properties))
            .isEmpty();
    }

}
