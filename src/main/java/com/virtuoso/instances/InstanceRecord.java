package com.virtuoso.instances;

import java.time.Instant;

/**
 * A running Virtuoso server, as it registers itself in {@code <state_dir>/instances/<pid>.json}.
 *
 * @param pid the process id
 * @param startTime when the process started; with the pid it tells a live entry from a reused pid
 * @param host the address the server listens on
 * @param port the port the server listens on
 * @param primaryPort the port it was configured to listen on
 * @param version the Virtuoso version
 * @param workingDirectory the directory it was started in
 * @param configFile the config file it read, or {@code null} when it ran on defaults
 */
public record InstanceRecord(long pid, Instant startTime, String host, int port, int primaryPort, String version,
        String workingDirectory, String configFile) {
}
