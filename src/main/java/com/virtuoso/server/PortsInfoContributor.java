package com.virtuoso.server;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * The {@code ports} entry of {@code /actuator/info}: where this server listens.
 */
class PortsInfoContributor implements InfoContributor {

    private final StartupPorts ports;

    PortsInfoContributor(StartupPorts ports) {
        this.ports = ports;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("host", ports.host().getHostAddress());
        info.put("primaryPort", ports.candidates().primary());
        ports.selection().ifPresent((selection) -> {
            info.put("activePort", selection.activePort());
            info.put("fellBack", selection.fellBack());
        });
        builder.withDetail("ports", info);
    }

}
