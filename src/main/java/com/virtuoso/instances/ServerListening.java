package com.virtuoso.instances;

/**
 * Where this server can be found, published as an application event each time its instance
 * record is written: when it starts listening, and when the port monitor moves it back to its
 * primary port, as soon as it reclaimed it (while the fallback listener still serves, so that
 * clients move before a release closes the fallback). Whatever tells clients where the server is
 * (the registry, service discovery, Prometheus targets) follows it.
 * <p>
 * Listeners run on the thread that publishes (the start, or the port monitor) and must not throw:
 * a failure to tell others where the server is never stops the server. The server's shutdown is
 * not an event of this kind: each listener undoes its own work as its bean is destroyed, or as the
 * context's close begins (service discovery, so that clients leave before the drain).
 *
 * @param instance the record, as written to the registry
 * @param attempts how many ports the start tried before it could listen: 1 when the primary was
 * free, more after a fall back; it stays what the start did when the monitor moves the server
 * @param secure whether the listener that serves at {@code instance.port()} speaks TLS (https,
 * {@code server.ssl.*}): clients must be told the scheme as well as the port
 */
public record ServerListening(InstanceRecord instance, int attempts, boolean secure) {

    /** A server that listens on the first port it tried, in plain http. */
    public ServerListening(InstanceRecord instance) {
        this(instance, 1, false);
    }

    /**
     * Whether the server listens on a port other than its primary one; never with primary port 0
     * (any free port), which the OS fills in.
     */
    public boolean fellBack() {
        return this.instance.primaryPort() != 0 && this.instance.port() != this.instance.primaryPort();
    }

}
