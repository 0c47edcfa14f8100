package com.virtuoso.ports;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the OS lets this process bind, read once: the ports that need privileges and the range
 * the OS hands out to client sockets.
 *
 * @param unprivilegedPortStart the lowest port anyone may bind (1024 on Linux by default, 0 on Windows)
 * @param privileged whether this process may bind below {@code unprivilegedPortStart}
 * @param ephemeralFirst the first port of the OS ephemeral range
 * @param ephemeralLast the last port of the OS ephemeral range
 * @param os the OS name in lower case, as Java reports it
 */
public record PortPrivileges(int unprivilegedPortStart, boolean privileged, int ephemeralFirst, int ephemeralLast,
        String os) {

    private static final int CAP_NET_BIND_SERVICE = 10;

    /** The facts of the running OS and process. */
    public static PortPrivileges detect() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (os.contains("linux")) {
            Path proc = Path.of("/proc");
            int start = readInts(proc.resolve("sys/net/ipv4/ip_unprivileged_port_start"), List.of(1024)).get(0);
            List<Integer> range = readInts(proc.resolve("sys/net/ipv4/ip_local_port_range"), List.of(32768, 60999));
            return new PortPrivileges(start, root || hasNetBindCapability(proc), range.get(0), range.get(1), os);
        }
        if (os.contains("win")) {
            return new PortPrivileges(0, true, 49152, 65535, os);
        }
        return new PortPrivileges(1024, root, 49152, 65535, os);
    }

    /** Whether binding {@code port} needs privileges this process lacks. */
    public boolean forbids(int port) {
        return port > 0 && port < unprivilegedPortStart && !privileged;
    }

    /** Whether the OS may hand {@code port} to a client socket at any moment. */
    public boolean isEphemeral(int port) {
        return port >= ephemeralFirst && port <= ephemeralLast;
    }

    public boolean isMac() {
        return os.contains("mac");
    }

    private static boolean hasNetBindCapability(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(CAP_NET_BIND_SERVICE);
                }
            }
        }
        catch (IOException | NumberFormatException ex) {
            // unreadable: treat as unprivileged, the safe assumption for a warning
        }
        return false;
    }

    private static List<Integer> readInts(Path file, List<Integer> fallback) {
        try {
            // readString stops after the first byte on some /proc/sys files; readAllLines does not
            String[] fields = String.join(" ", Files.readAllLines(file)).trim().split("\\s+");
            return java.util.Arrays.stream(fields).map(Integer::valueOf).toList();
        }
        catch (IOException | NumberFormatException ex) {
            return fallback;
        }
    }

}
