package com.virtuoso.server;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 connector, binding the first port of {@link StartupPorts} that the
 * kernel lets it bind. The retry sits at the real bind: a port taken by another process between
 * any check and this bind is one more failed attempt, never a crashed start.
 */
public class FallbackHttp11NioProtocol extends Http11NioProtocol {

    private StartupPorts ports;

    /** Binds through {@code ports} instead of the one configured port. */
    void bindThrough(StartupPorts ports) {
        this.ports = ports;
    }

    @Override
    public void start() throws Exception {
        if (ports == null) {
            super.start();
            return;
        }
        // a failed endpoint bind closes its socket and leaves the endpoint unbound: start() may run again
        ports.bind((port) -> {
            setPort(port);
            // thread names follow the port actually tried, not the one configured
            String name = getName();
            getEndpoint().setName(name.substring(1, name.length() - 1));
            super.start();
            return getLocalPort();
        });
    }

}
