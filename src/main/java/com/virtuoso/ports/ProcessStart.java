package com.virtuoso.ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * When a process started, as the kernel counts it: field 22 of {@code /proc/<pid>/stat}, in clock
 * ticks since boot. With the pid it tells a process from one that reused its pid.
 * <p>
 * {@link ProcessHandle.Info#startInstant()} is derived from the boot time and these ticks, and
 * the boot time is itself derived from the wall clock: when the clock steps (NTP, a suspended
 * VM), the instant of the same process moves and it looks like another one. The ticks never move,
 * so identity is checked on them, and the instant is kept for people to read.
 */
public final class ProcessStart {

    /** Field 22 ({@code starttime}) counted from field 3 ({@code state}), the first after the command. */
    private static final int START_TIME_AFTER_COMMAND = 22 - 3;

    private ProcessStart() {
    }

    /** The start ticks of {@code pid}, or empty when it does not run or {@code /proc} does not say. */
    public static OptionalLong ticks(long pid) {
        return ticks(Path.of("/proc", Long.toString(pid)));
    }

    /** The start ticks of the process whose {@code /proc} directory is {@code process}, or empty. */
    public static OptionalLong ticks(Path process) {
        try {
            return parse(Files.readString(process.resolve("stat"), StandardCharsets.ISO_8859_1));
        }
        catch (IOException | SecurityException ex) {
            // gone, or no /proc (not Linux, hidepid): the caller falls back to the start instant
            return OptionalLong.empty();
        }
    }

    /**
     * The start ticks in the text of a {@code /proc/<pid>/stat}, or empty when it is not one.
     * The command (field 2) is cut at the last {@code )}: it is in parentheses and may itself hold
     * spaces and parentheses, as a process may name itself {@code a) b (c}.
     */
    static OptionalLong parse(String stat) {
        int commandEnd = stat.lastIndexOf(')');
        if (commandEnd < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(commandEnd + 1).trim().split(" +");
        if (fields.length <= START_TIME_AFTER_COMMAND) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(fields[START_TIME_AFTER_COMMAND]));
        }
        catch (NumberFormatException ex) {
            return OptionalLong.empty();
        }
    }

}
