package com.virtuoso.security;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;

/**
 * Warns once at start when remote clients are to send the configured password over plain HTTP: a
 * listener without TLS on an address other clients can reach.
 */
class CleartextCredentialsWarning implements SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(CleartextCredentialsWarning.class);

    private final SecurityProperties security;

    private final ServerProperties server;

    private final ManagementServerProperties management;

    /**
     * The main server's additional and reclaimed listeners are set up as its main one, TLS
     * included, so its {@code server.ssl} speaks for them too.
     */
    CleartextCredentialsWarning(SecurityProperties security, ServerProperties server,
            ManagementServerProperties management) {
        this.security = security;
        this.server = server;
        this.management = management;
    }

    @Override
    public void afterSingletonsInstantiated() {
        warnings().forEach(logger::warn);
    }

    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (security.getUser().isPasswordGenerated()) {
            return warnings;
        }
        if (isCleartextOnNetwork(server.getAddress(), server.getSsl())) {
            warnings.add(message("the server speaks", server.getAddress()));
        }
        if (management != null && management.getPort() != null && management.getPort() > 0
                && !Objects.equals(management.getPort(), server.getPort())) {
            InetAddress address = (management.getAddress() != null) ? management.getAddress() : server.getAddress();
            if (isCleartextOnNetwork(address, management.getSsl())) {
                warnings.add(message("the management server speaks", address));
            }
        }
        return warnings;
    }

    private static boolean isCleartextOnNetwork(InetAddress address, Ssl ssl) {
        return !Ssl.isEnabled(ssl) && (address == null || !address.isLoopbackAddress());
    }

    private static String message(String listenerSpeaks, InetAddress address) {
        String where = (address != null) ? address.getHostAddress() : "every address";
        return "spring.security.user.password is set, but " + listenerSpeaks + " plain HTTP on " + where
                + ": remote clients send that password in clear. Fix: enable TLS (server.ssl.*), or bind "
                + "web_server.host to 127.0.0.1 behind a TLS proxy that sends X-Forwarded-For";
    }

}
