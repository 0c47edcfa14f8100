package com.virtuoso.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The systemd units behind a socket-activated server: stopping them, not signalling the server,
 * frees the port, as the service manager holds the socket and starts the service again on the
 * next connection.
 *
 * @param socket the socket unit, named after the service as systemd pairs them by default
 * @param service the service unit
 * @param user whether they are units of the user's service manager ({@code systemctl --user})
 * @param named whether the units were read from the server's cgroup; when not, they are the names
 * of the units shipped in {@code deploy/systemd}
 */
public record ServiceUnits(String socket, String service, boolean user, boolean named) {

    /** The units shipped in {@code deploy/systemd}, for when the real ones cannot be told. */
    public static final ServiceUnits SHIPPED = new ServiceUnits("virtuoso.socket", "virtuoso.service", false, false);

    private static final String SERVICE_SUFFIX = ".service";

    /** The units of process {@code pid} as its cgroup names them, or {@link #SHIPPED}. */
    public static ServiceUnits of(long pid) {
        return of(Path.of("/proc"), pid);
    }

    static ServiceUnits of(Path proc, long pid) {
        if (pid <= 1) {
            return SHIPPED; // the service manager's own cgroup says nothing of the units it runs
        }
        try {
            return ofCgroup(Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("cgroup"))).orElse(SHIPPED);
        }
        catch (IOException ex) {
            // gone, or not readable to this user: the shipped names are the best guess, and the text says so
            return SHIPPED;
        }
    }

    /**
     * The units a {@code /proc/PID/cgroup} names: the innermost {@code .service} of the systemd
     * hierarchy ({@code 0::} in cgroup v2, {@code name=systemd} in v1). A service under
     * {@code user@UID.service} is a unit of that user's service manager.
     */
    static Optional<ServiceUnits> ofCgroup(List<String> lines) {
        for (String line : lines) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3 || !(fields[1].isEmpty() || fields[1].equals("name=systemd"))) {
                continue;
            }
            String[] segments = fields[2].split("/");
            for (int i = segments.length - 1; i >= 0; i--) {
                String segment = segments[i];
                if (segment.endsWith(SERVICE_SUFFIX) && !segment.startsWith("user@")) {
                    String base = segment.substring(0, segment.length() - SERVICE_SUFFIX.length());
                    return Optional.of(new ServiceUnits(base + ".socket", segment, fields[2].contains("/user@"), true));
                }
            }
        }
        return Optional.empty();
    }

    /** {@code systemctl stop virtuoso.socket virtuoso.service}, with {@code --user} for a user's units. */
    public String stopCommand() {
        return "systemctl " + (user ? "--user " : "") + "stop " + socket + " " + service;
    }

}
