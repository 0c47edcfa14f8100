package com.virtuoso.ports;

import java.time.Instant;

/**
 * A process that holds a listening socket on a port.
 *
 * @param pid the process id
 * @param user the name of the process owner, or {@code uid N} when the name is unknown
 * @param startTime when the process started, or {@code null} when the OS does not say
 * @param command the command line, masked, escaped and capped as {@link MaskedCommandLine} does
 */
public record PortHolder(long pid, String user, Instant startTime, String command) {

    /**
     * Masks {@code command} whatever its source: a lookup has masked it already (masking again
     * changes nothing), but a history written by an older version, read back through this
     * constructor, may hold it as that version masked it.
     */
    public PortHolder {
        command = (command != null) ? MaskedCommandLine.ofText(command) : null;
    }

    /** The holder as people read it in a log line: {@code PID 4242 (python3 -m http.server 8000)}. */
    public String describe() {
        return "PID " + pid + " (" + command + ")";
    }

}
