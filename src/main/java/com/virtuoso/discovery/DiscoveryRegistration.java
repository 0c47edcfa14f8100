package com.virtuoso.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.KeeperException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

import com.virtuoso.instances.ServerListening;

/**
 * This server's entry in ZooKeeper: registered when the server listens, moved when it moves (back
 * to its primary port after a reclaim and release), removed as soon as it begins to stop. The
 * entry is an ephemeral node, so a server that dies without stopping (SIGKILL) loses it when its
 * ZooKeeper session expires.
 * <p>
 * Every call to ZooKeeper runs on a thread of its own: while ZooKeeper is away, Curator waits its
 * connection timeout and retries, and neither the start nor the port monitor may wait for that. A
 * call that fails costs a warning; Curator's service discovery keeps the latest entry and writes it
 * again each time the client (re)connects, so the entry comes back with ZooKeeper.
 */
class DiscoveryRegistration implements InitializingBean, ApplicationListener<ContextClosedEvent>, DisposableBean {

    private static final Log logger = LogFactory.getLog(DiscoveryRegistration.class);

    /** How long a stop waits to remove the entry; after that, closing the session removes it. */
    private static final Duration DEREGISTER_WAIT = Duration.ofSeconds(2);

    private final ApplicationContext context;

    private final String connectString;

    /** How long the client may take to make its first session before the log says so. */
    private final Duration connectionTimeout;

    private final DiscoveryInstances instances;

    private final ServiceDiscovery<ZookeeperInstance> discovery;

    private final ExecutorService calls = Executors.newSingleThreadExecutor((task) -> {
        Thread thread = new Thread(task, "virtuoso-discovery");
        thread.setDaemon(true);
        return thread;
    });

    /** Whether the client has had a session: until then, there is nothing to lose, nor to remove. */
    private volatile boolean connected;

    /**
     * Whether the stop has begun: set before the removal is queued, so that a move queued or run
     * after it (the port monitor reclaims during the drain) writes nothing and warns of nothing.
     */
    private volatile boolean stopping;

    /** The entry as last given to Curator; only the calls' thread writes it. */
    private volatile ServiceInstance<ZookeeperInstance> entry;

    DiscoveryRegistration(ApplicationContext context, CuratorFramework curator, String connectString,
            Duration connectionTimeout, DiscoveryInstances instances) {
        this.context = context;
        this.connectString = connectString;
        this.connectionTimeout = connectionTimeout;
        this.instances = instances;
        // no watch on the own entry: the server is its only writer
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
            .client(curator)
            .basePath(instances.root())
            .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class))
            .watchInstances(false)
            .build();
        curator.getConnectionStateListenable().addListener((client, state) -> connectionChanged(state));
        // the client was started before this listener was added, and may have connected already
        this.connected = curator.getZookeeperClient().isConnected();
    }

    /**
     * Starts Curator's service discovery: with no entry yet it does not call ZooKeeper, it only
     * begins to write its entries again at each (re)connection.
     */
    @Override
    public void afterPropertiesSet() throws Exception {
        discovery.start();
        // Curator says nothing while it never had a session, and a registration fails only after all its
        // retries, minutes later: one warning once the connection timeout has passed without a session
        CompletableFuture.delayedExecutor(connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .execute(this::warnIfNeverConnected);
    }

    private void warnIfNeverConnected() {
        if (!connected && !stopping) {
            logger.warn("No answer from ZooKeeper (" + connectString + ") within " + connectionTimeout.toMillis()
                    + " ms (spring.cloud.zookeeper.connection-timeout): this server keeps serving, and registers "
                    + "in ZooKeeper as soon as it answers");
        }
    }

    @EventListener
    void onServerListening(ServerListening listening) {
        if (stopping) {
            notRegistering(listening);
            return;
        }
        try {
            calls.execute(() -> register(listening));
        }
        catch (RejectedExecutionException ex) {
            notRegistering(listening);
        }
    }

    private static void notRegistering(ServerListening listening) {
        logger.debug("Not registering " + listening + " in ZooKeeper: the server is stopping");
    }

    private void register(ServerListening listening) {
        if (stopping) {
            // queued before the stop began and run after it: the entry is being removed, not moved
            notRegistering(listening);
            return;
        }
        ServiceInstance<ZookeeperInstance> next;
        try {
            next = instances.of(listening);
        }
        catch (Exception ex) {
            logger.warn("Could not describe this server for ZooKeeper; it is not registered", ex);
            return;
        }
        try {
            if (entry == null) {
                entry = next;
                // Curator keeps the entry before it writes it: a failed write is retried at reconnection
                discovery.registerService(next);
            }
            else {
                entry = next;
                move(next);
            }
            logger.info("Registered in ZooKeeper (" + connectString + ") as " + describe(next));
        }
        catch (InterruptedException ex) {
            // the stop gave up waiting: the session's close removes the entry
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            if (stopping) {
                // the stop cut the call short, or Curator's service discovery was closed under it
                logger.debug("Registration in ZooKeeper ended by the stop: " + ex);
                return;
            }
            logger.warn("Could not register in ZooKeeper (" + connectString + ") as " + describe(next) + ": " + ex
                    + "; registering as soon as ZooKeeper answers");
        }
    }

    /**
     * Rewrites the entry in place. Curator keeps {@code next} as the entry before it writes, so
     * a reconnection after a failed write registers {@code next}, never the entry it replaces.
     */
    private void move(ServiceInstance<ZookeeperInstance> next) throws Exception {
        try {
            discovery.updateService(next);
        }
        catch (KeeperException.NoNodeException ex) {
            // never written, or gone with an expired session and not yet written again
            discovery.registerService(next);
        }
    }

    private void connectionChanged(ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                connected = true;
                logger.info("Connected to ZooKeeper (" + connectString + ")"
                        + ((entry != null && !stopping) ? "; writing the entry " + describe(entry) : ""));
            }
            case SUSPENDED -> logger.warn(connected
                    ? "Lost the connection to ZooKeeper (" + connectString + "); reconnecting. Clients still find "
                            + "this server until its session expires"
                    : "Cannot reach ZooKeeper (" + connectString + "); retrying");
            case LOST -> {
                // Curator also says so when it never had a session: nothing was lost then
                if (connected) {
                    logger.warn("The ZooKeeper session expired (" + connectString
                            + "): clients no longer find this server; it registers again once reconnected");
                }
            }
            default -> logger.debug("ZooKeeper connection: " + state);
        }
    }

    /**
     * Removes the entry as the close of the context begins. The context publishes this event before
     * it stops any lifecycle, so before Spring Boot's graceful shutdown
     * ({@code WebServerGracefulShutdownLifecycle}) stops accepting and drains the requests in flight,
     * up to {@code spring.lifecycle.timeout-per-shutdown-phase}: clients stop being sent here for the
     * whole drain. An event rather than a {@code SmartLifecycle} of a higher phase: it needs no phase
     * kept in step with Spring Boot's. A management server with a port of its own is a child context,
     * whose close event reaches this listener too: only this context's close removes the entry.
     */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            leave();
        }
    }

    /** A context whose start failed is destroyed without a close event. */
    @Override
    public void destroy() {
        leave();
    }

    /**
     * Removes the entry, waiting {@link #DEREGISTER_WAIT} at most: a ZooKeeper that is away must
     * not hold up the stop, and closing the client (when the context destroys it) ends the
     * session, which removes an ephemeral entry at once when connected, or when the session
     * expires when not.
     */
    private synchronized void leave() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (!connected) {
            // never had a session, so nothing was written: stop a registration still waiting for one, and take
            // the entry back from Curator, which would write it if ZooKeeper answered during the drain
            calls.shutdownNow();
            Thread forgetting = new Thread(this::forgetUnwritten, "virtuoso-discovery-stop");
            forgetting.setDaemon(true);
            forgetting.start();
            logger.debug("Not in ZooKeeper (" + connectString + "), which never answered: nothing to remove");
            return;
        }
        calls.execute(this::deregister);
        calls.shutdown();
        try {
            if (!calls.awaitTermination(DEREGISTER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("Could not remove this server's entry from ZooKeeper (" + connectString + ") within "
                        + DEREGISTER_WAIT.toSeconds() + " s; it goes when the session ends");
                calls.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            calls.shutdownNow();
        }
    }

    private void deregister() {
        if (entry == null) {
            return;
        }
        try {
            discovery.unregisterService(entry);
            // holds no entry now: stops writing entries again at reconnection, and has nothing to remove
            discovery.close();
            logger.info("Removed " + describe(entry) + " from ZooKeeper (" + connectString + ")");
        }
        catch (InterruptedException ex) {
            // the stop gave up waiting, and has said so
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            logger.warn("Could not remove " + describe(entry) + " from ZooKeeper (" + connectString + "): " + ex
                    + "; it goes when the session ends");
        }
    }

    /**
     * Takes back from Curator the entry given to it but never written, once the interrupted registration has
     * ended (nothing can give it to Curator again after that). Curator forgets it at once, then deletes its node,
     * which waits for ZooKeeper: on a thread of its own, so that the stop does not wait. The node is not there
     * (unless ZooKeeper answered just as the stop began, and then the delete removes it), so the delete has
     * nothing to report, nor has a delete cut short when the client closes.
     */
    private void forgetUnwritten() {
        try {
            if (!calls.awaitTermination(DEREGISTER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.debug("The registration did not end within " + DEREGISTER_WAIT.toSeconds()
                        + " s of its interruption; taking the entry back from Curator anyway");
            }
            ServiceInstance<ZookeeperInstance> unwritten = entry;
            if (unwritten != null) {
                discovery.unregisterService(unwritten);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            logger.debug("Took the entry back from Curator; deleting its node in ZooKeeper (" + connectString
                    + ") ended with " + ex);
        }
    }

    private static String describe(ServiceInstance<ZookeeperInstance> instance) {
        return instance.getName() + " at " + instance.getAddress() + ":" + instance.getPort() + " (id "
                + instance.getId() + ")";
    }

}
