package com.virtuoso.server;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.instances.ServerListening;
import com.virtuoso.ports.PortSelection;
import com.virtuoso.ports.ProcessStart;

/**
 * This server once it listens: says where, and registers itself in the instance registry until
 * it shuts down.
 */
class RunningInstance implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

    private static final Log logger = LogFactory.getLog(RunningInstance.class);

    private final StartupPorts ports;

    private final InstanceRegistry registry;

    private final String version;

    private final Optional<Path> configFile;

    private final ApplicationEventPublisher events;

    private final long pid = ProcessHandle.current().pid();

    RunningInstance(StartupPorts ports, InstanceRegistry registry, String version, Optional<Path> configFile,
            ApplicationEventPublisher events) {
        this.ports = ports;
        this.registry = registry;
        this.version = version;
        this.configFile = configFile;
        this.events = events;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return; // the management server, when it has a port of its own
        }
        int port = event.getWebServer().getPort();
        int primary = ports.candidates().primary();
        boolean fellBack = ports.selection().map(PortSelection::fellBack).orElse(false);
        // https with server.ssl.*
        String scheme = (event.getWebServer() instanceof TomcatWebServer tomcat)
                ? tomcat.getTomcat().getConnector().getScheme() : "http";
        logger.info("Virtuoso listening on " + url(scheme, listeningHost(), port)
                + (fellBack ? " (fell back from " + primary + ")" : "")
                + (ports.inherited().isPresent() ? " (socket inherited from the service manager)" : ""));
        register(port, "https".equals(scheme));
    }

    /**
     * Registers this server as listening on {@code port}, and publishes it as {@link ServerListening}:
     * at start, and when the monitor moves it; {@code secure} when the listener on that port speaks TLS.
     */
    void register(int port, boolean secure) {
        int primary = ports.candidates().primary();
        Instant started = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
        Long ticks = ProcessStart.ticks(pid).stream().boxed().findFirst().orElse(null);
        InstanceRecord instance = new InstanceRecord(pid, started, ticks, listeningHost().getHostAddress(), port,
                primary, version, Path.of("").toAbsolutePath().toString(), configFile.map(Path::toString).orElse(null),
                ports.inherited().isPresent());
        try {
            registry.register(instance);
        }
        catch (IOException ex) {
            logger.warn("Could not register this instance in " + registry.fileOf(pid) + ": " + ex
                    + "; 'ports list' will not show it");
        }
        int attempts = ports.selection().map((selection) -> selection.attempts().size()).orElse(1);
        events.publishEvent(new ServerListening(instance, attempts, secure));
    }

    /** The address of the main listener: the inherited socket's when there is one, else the configured host. */
    private InetAddress listeningHost() {
        return ports.inherited().map((socket) -> socket.address().getAddress()).orElse(ports.host());
    }

    @Override
    public void destroy() throws IOException {
        registry.remove(pid);
    }

    private static String url(String scheme, InetAddress host, int port) {
        String address = host.getHostAddress();
        return scheme + "://" + ((host instanceof Inet6Address) ? "[" + address + "]" : address) + ":" + port;
    }

}
