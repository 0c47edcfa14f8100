package com.virtuoso.ports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ActivatedPortTest {

    private static final Instant STARTED = Instant.parse("2026-11-27T10:00:00Z");

    private static final PortHolder SERVER = new PortHolder(4242, "virtuoso", STARTED, "java -jar virtuoso.jar");

    private static final PortHolder INIT = new PortHolder(1, "root", STARTED, "/sbin/init");

    private static final PortHolder OTHER = new PortHolder(777, "virtuoso", STARTED, "python3 holder.py");

    @TempDir
    Path proc;

    @Test
    void theServiceManagerHoldingThePortIsSocketActivation() {
        assertThat(ActivatedPort.among(8000, List.of(INIT, SERVER), (pid) -> false, (pid) -> ServiceUnits.SHIPPED))
            .hasValueSatisfying((activated) -> {
                assertThat(activated.holder()).isEqualTo(INIT);
                assertThat(activated.reason()).contains("PID 1 is the service manager");
                assertThat(activated.instead()).contains("systemctl stop virtuoso.socket virtuoso.service")
                    .contains("systemctl list-sockets");
            });
    }

    @Test
    void aServerThatRegisteredAnInheritedSocketIsSocketActivation() {
        ServiceUnits units = new ServiceUnits("trading.socket", "trading.service", false, true);
        assertThat(ActivatedPort.among(8000, List.of(OTHER, SERVER), (pid) -> pid == 4242, (pid) -> units))
            .hasValueSatisfying((activated) -> {
                assertThat(activated.holder()).isEqualTo(SERVER);
                assertThat(activated.reason()).contains("PID 4242 is a Virtuoso server").contains("stopping it frees nothing");
                assertThat(activated.instead()).isEqualTo("stop the units instead: systemctl stop trading.socket trading.service");
            });
    }

    @Test
    void aServerOnTheInheritedSocketIsNamedBeforeTheServiceManagerForItsRealUnits() {
        ServiceUnits units = new ServiceUnits("trading.socket", "trading.service", false, true);
        assertThat(ActivatedPort.among(8000, List.of(INIT, SERVER), (pid) -> pid == 4242, (pid) -> units))
            .hasValueSatisfying((activated) -> {
                assertThat(activated.holder()).isEqualTo(SERVER);
                assertThat(activated.instead())
                    .isEqualTo("stop the units instead: systemctl stop trading.socket trading.service");
            });
    }

    @Test
    void theServiceManagerAloneIsNotClaimedToHoldVirtuososUnits() {
        assertThat(ActivatedPort.among(631, List.of(INIT), (pid) -> false, (pid) -> ServiceUnits.SHIPPED))
            .hasValueSatisfying((activated) -> {
                assertThat(activated.reason()).contains("Virtuoso's or another program's");
                assertThat(activated.instead()).startsWith("stop the socket unit and its service instead: "
                        + "'systemctl list-sockets' names the unit");
            });
    }

    @Test
    void otherHoldersAreNot() {
        assertThat(ActivatedPort.among(8000, List.of(OTHER, SERVER), (pid) -> false, (pid) -> ServiceUnits.SHIPPED))
            .isEmpty();
    }

    @Test
    void unitsComeFromTheServersCgroup() {
        assertThat(ServiceUnits.ofCgroup(List.of("0::/system.slice/virtuoso.service")))
            .hasValue(new ServiceUnits("virtuoso.socket", "virtuoso.service", false, true));
        assertThat(ServiceUnits.ofCgroup(List.of("12:pids:/", "1:name=systemd:/system.slice/trading@8000.service")))
            .hasValue(new ServiceUnits("trading@8000.socket", "trading@8000.service", false, true));
        assertThat(ServiceUnits
            .ofCgroup(List.of("0::/user.slice/user-1000.slice/user@1000.service/app.slice/virtuoso.service")))
            .hasValueSatisfying((units) -> assertThat(units.stopCommand())
                .isEqualTo("systemctl --user stop virtuoso.socket virtuoso.service"));
        assertThat(ServiceUnits.ofCgroup(List.of("0::/user.slice/user-1000.slice/session-3.scope"))).isEmpty();
    }

    @Test
    void unitsThatCannotBeReadAreTheShippedOnes() throws Exception {
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/cgroup"), "0::/system.slice/virtuoso.service\n");
        assertThat(ServiceUnits.of(proc, 4242).named()).isTrue();
        assertThat(ServiceUnits.of(proc, 4243)).isEqualTo(ServiceUnits.SHIPPED);
        assertThat(ServiceUnits.of(proc, 1)).isEqualTo(ServiceUnits.SHIPPED);
    }

}
