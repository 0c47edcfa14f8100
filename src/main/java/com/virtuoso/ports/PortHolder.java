package com.virtuoso.ports;

import java.time.Instant;

/**
 * A process that holds a listening socket on a port.
 *
 * @param pid the process id
 * @param user the name of the process owner, or {@code uid N} when the name is unknown
 * @param startTime when the process started, or {@code null} when the OS does not say; for identity
 * only when {@code startTicks} is unknown, as it moves when the wall clock steps
 * @param startTicks when the process started in the kernel's clock ticks since boot (see
 * {@link ProcessStart}), or {@code null} when {@code /proc} does not say or an older version wrote it
 * @param command the command line, masked, escaped and capped as {@link MaskedCommandLine} does
 */
public record PortHolder(long pid, String user, Instant startTime, Long startTicks, String command) {

    /**
     * Masks {@code command} whatever its source: a lookup has masked it already (masking again
     * changes nothing), but a history written by an older version, read back through this
     * constructor, may hold it as that version masked it.
     */
    public PortHolder {
        command = (command != null) ? MaskedCommandLine.ofText(command) : null;
    }

    /** A holder whose start ticks are unknown: its identity rests on {@code startTime}. */
    public PortHolder(long pid, String user, Instant startTime, String command) {
        this(pid, user, startTime, null, command);
    }

    /**
     * Whether {@code other} names the same process: the same PID, started at the same moment (in
     * kernel ticks when both know them, as those do not move with the wall clock).
     */
    public boolean isSameProcessAs(PortHolder other) {
        if (pid != other.pid) {
            return false;
        }
        if (startTicks != null && other.startTicks != null) {
            return startTicks.equals(other.startTicks);
        }
        return startTime != null && startTime.equals(other.startTime);
    }

    /**
     * Whether its start is known, in ticks or in wall time: without it, the process cannot be told
     * from one that reused its PID.
     */
    public boolean hasKnownStart() {
        return startTicks != null || startTime != null;
    }

    /** The holder as people read it in a log line: {@code PID 4242 (python3 -m http.server 8000)}. */
    public String describe() {
        return "PID " + pid + " (" + command + ")";
    }

}
