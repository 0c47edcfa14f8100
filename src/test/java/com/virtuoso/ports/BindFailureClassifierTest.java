package com.virtuoso.ports;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BindFailureClassifierTest {

    private static final PortPrivileges UNPRIVILEGED = new PortPrivileges(1024, false, 32768, 60999, "linux");

    @Test
    void anAddressThatIsNotOursIsUnavailable() throws Exception {
        // TEST-NET-1 (RFC 5737): never an address of this machine; binding it sends nothing
        InetAddress foreign = InetAddress.getByName("192.0.2.1");
        assertThat(new BindFailureClassifier(UNPRIVILEGED).classify(foreign, 25000))
            .isEqualTo(BindOutcome.ADDRESS_UNAVAILABLE);
    }

    @Test
    void aPrivilegedPortWithoutPrivilegesIsPermissionDenied() throws Exception {
        assertThat(new BindFailureClassifier(UNPRIVILEGED).classify(InetAddress.getLoopbackAddress(), 80))
            .isEqualTo(BindOutcome.PERMISSION_DENIED);
    }

    @Test
    void anyOtherFailureOnALocalAddressIsInUse() throws Exception {
        PortPrivileges root = new PortPrivileges(1024, true, 32768, 60999, "linux");
        assertThat(new BindFailureClassifier(root).classify(InetAddress.getLoopbackAddress(), 80))
            .isEqualTo(BindOutcome.IN_USE);
        assertThat(new BindFailureClassifier(UNPRIVILEGED).classify(InetAddress.getLoopbackAddress(), 25000))
            .isEqualTo(BindOutcome.IN_USE);
    }

}
