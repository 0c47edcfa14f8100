package com.virtuoso.ports;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PortTrapsTest {

    @Test
    void warnsAboutPrivilegedEphemeralAndDuplicatePorts() {
        PortPrivileges linuxUser = new PortPrivileges(1024, false, 32768, 60999, "linux");
        List<String> warnings = new PortTraps(linuxUser)
            .warnings(new PortCandidates(8000, List.of(80, 40000, 8000, 8001, 0), true));
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).startsWith("Port 80 is below 1024 and this process is not privileged");
        assertThat(warnings.get(1)).startsWith("Port 40000 is inside the OS ephemeral range (32768-60999)");
        assertThat(warnings.get(2)).startsWith("Port 8000 appears more than once");
    }

    @Test
    void rootMayBindPrivilegedPorts() {
        PortPrivileges root = new PortPrivileges(1024, true, 32768, 60999, "linux");
        assertThat(new PortTraps(root).warnings(new PortCandidates(80, List.of(443), true))).isEmpty();
    }

    @Test
    void warnsAboutAirPlayOnMacOnly() {
        PortCandidates candidates = new PortCandidates(8000, List.of(5000, 7000), true);
        PortPrivileges mac = new PortPrivileges(1024, false, 49152, 65535, "mac os x");
        PortPrivileges linux = new PortPrivileges(1024, false, 32768, 60999, "linux");
        assertThat(new PortTraps(mac).warnings(candidates)).hasSize(2).allMatch((warning) -> warning.contains("AirPlay"));
        assertThat(new PortTraps(linux).warnings(candidates)).isEmpty();
    }

}
