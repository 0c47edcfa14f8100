package com.virtuoso.server;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 connector, binding the first port of {@link StartupPorts} that the
 * kernel lets it bind. The retry sits at the real bind: a port taken by another process between
 * any check and this bind is one more failed attempt, never a crashed start. As an extra
 * listener, it binds its one port if it can and otherwise stays idle.
 */
public class FallbackHttp11NioProtocol extends Http11NioProtocol {

    private StartupPorts ports;

    private boolean additional;

    /** Binds through {@code ports} instead of the one configured port. */
    void bindThrough(StartupPorts ports) {
        this.ports = ports;
    }

    /** Binds the configured port as an extra listener of {@code ports}: skipped when it cannot be bound. */
    void bindAsAdditional(StartupPorts ports) {
        this.ports = ports;
        this.additional = true;
    }

    @Override
    public void start() throws Exception {
        if (ports == null) {
            super.start();
            return;
        }
        if (additional) {
            // a skipped listener leaves the endpoint unbound; stopping it later does nothing
            ports.bindAdditional(getPort(), (port) -> {
                super.start();
                return getLocalPort();
            });
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
