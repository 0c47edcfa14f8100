package com.virtuoso.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 connector, binding the first port of {@link StartupPorts} that the
 * kernel lets it bind. The retry sits at the real bind: a port taken by another process between
 * any check and this bind is one more failed attempt, never a crashed start. As an extra
 * listener, it binds its one port if it can and otherwise stays idle.
 * <p>
 * When the service manager handed over a socket, the main listener serves it instead of binding
 * (see {@link InheritedChannelEndpoint}), accepts only while the application is ready, and stops
 * so that the next server gets every client this one did not serve: it stops accepting and
 * serves what it accepted, where a paused Tomcat connector would answer 503 to requests it had
 * accepted but not yet read.
 */
public class FallbackHttp11NioProtocol extends Http11NioProtocol {

    /**
     * How long a stop on an inherited socket waits for the connections it accepted to close. A
     * client that keeps an idle connection open holds it for this long, so it is kept short.
     */
    static final Duration ACCEPTED_CONNECTIONS_WAIT = Duration.ofSeconds(1);

    private StartupPorts ports;

    private boolean additional;

    private final AtomicBoolean stoppedAccepting = new AtomicBoolean();

    private final InheritedChannelEndpoint endpoint;

    public FallbackHttp11NioProtocol() {
        this(new InheritedChannelEndpoint());
    }

    private FallbackHttp11NioProtocol(InheritedChannelEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

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
        // the endpoint then takes System.inheritedChannel() instead of binding
        endpoint.setUseInheritedChannel(ports.inherited().isPresent());
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

    /**
     * Lets the main listener take connections from an inherited socket while the application is
     * ready, and stops it (serving what it took) while it is not; a listener that bound its own
     * port accepts from its start to its stop, as Tomcat's.
     */
    void accepting(boolean accept) {
        endpoint.accepting(accept, ACCEPTED_CONNECTIONS_WAIT);
    }

    @Override
    public void pause() throws Exception {
        if (!endpoint.getUseInheritedChannel()) {
            super.pause();
            return;
        }
        closeServerSocketGraceful();
    }

    @Override
    public void closeServerSocketGraceful() {
        super.closeServerSocketGraceful();
        if (endpoint.getUseInheritedChannel() && stoppedAccepting.compareAndSet(false, true)) {
            awaitConnectionsClose(ACCEPTED_CONNECTIONS_WAIT.toMillis());
        }
    }

}
