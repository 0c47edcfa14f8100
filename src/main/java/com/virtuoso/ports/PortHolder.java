package com.virtuoso.ports;

import java.time.Instant;

/**
 * A process that holds a listening socket on a port.
 *
 * @param pid the process id
 * @param user the name of the process owner, or {@code uid N} when the name is unknown
 * @param startTime when the process started, or {@code null} when the OS does not say
 * @param command the full command line, with values that look like secrets masked
 */
public record PortHolder(long pid, String user, Instant startTime, String command) {

    /** The holder as people read it in a log line: {@code PID 4242 (python3 -m http.server 8000)}. */
    public String describe() {
        return "PID " + pid + " (" + command + ")";
    }

}
