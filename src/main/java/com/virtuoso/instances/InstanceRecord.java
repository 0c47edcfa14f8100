package com.virtuoso.instances;

import java.time.Instant;

/**
 * A running Virtuoso server, as it registers itself in {@code <state_dir>/instances/<pid>.json}.
 *
 * @param pid the process id
 * @param startTime when the process started, for people to read; for identity only when
 * {@code startTicks} is unknown, as it moves when the wall clock steps
 * @param startTicks when the process started in the kernel's clock ticks since boot (see
 * {@link com.virtuoso.ports.ProcessStart}); with the pid it tells a live entry from a reused pid. {@code null} in a
 * record written by an older version, or where {@code /proc} does not say
 * @param host the address the server listens on
 * @param port the port the server listens on
 * @param primaryPort the port it was configured to listen on
 * @param version the Virtuoso version
 * @param workingDirectory the directory it was started in
 * @param configFile the config file it read, or {@code null} when it ran on defaults
 * @param inheritedSocket whether it serves a socket the service manager handed over (socket
 * activation) rather than one it bound: stopping it does not free the port, the service manager
 * holds it; never {@code null}: a record written by an older version, which lacks it, reads as {@code false}
 */
public record InstanceRecord(long pid, Instant startTime, Long startTicks, String host, int port, int primaryPort,
        String version, String workingDirectory, String configFile, Boolean inheritedSocket) {

    public InstanceRecord {
        // a boxed flag: the JSON reader rejects a record with a primitive missing, and older records lack it
        inheritedSocket = Boolean.TRUE.equals(inheritedSocket);
    }

    /** A server that bound its port itself. */
    public InstanceRecord(long pid, Instant startTime, Long startTicks, String host, int port, int primaryPort,
            String version, String workingDirectory, String configFile) {
        this(pid, startTime, startTicks, host, port, primaryPort, version, workingDirectory, configFile, false);
    }

    /** A record without start ticks, as an older version wrote it: its identity rests on {@code startTime}. */
    public InstanceRecord(long pid, Instant startTime, String host, int port, int primaryPort, String version,
            String workingDirectory, String configFile) {
        this(pid, startTime, null, host, port, primaryPort, version, workingDirectory, configFile);
    }

}
