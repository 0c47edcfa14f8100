package com.virtuoso.ports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the processes that hold a LISTEN socket on a TCP port, as the Linux kernel reports them:
 * LISTEN rows of {@code /proc/net/tcp} and {@code /proc/net/tcp6} whose local port matches, then
 * the processes whose {@code /proc/<pid>/fd} links point at those sockets.
 * <p>
 * Only listeners are returned, never processes merely connected to the port. On other systems,
 * or when the owner's processes cannot be inspected, the result says why no holder is named.
 */
public final class PortHolderLookup {

    private static final String LISTEN = "0A";

    private final Path proc;

    public PortHolderLookup() {
        this(Path.of("/proc"));
    }

    PortHolderLookup(Path proc) {
        this.proc = proc;
    }

    /** Who listens on {@code port}, on any address and either IP version. */
    public PortHolders lookup(int port) {
        if (!Files.isReadable(proc.resolve("net/tcp"))) {
            return PortHolders.unknown("this OS has no /proc/net/tcp; run: lsof -nP -iTCP:" + port + " -sTCP:LISTEN");
        }
        Map<String, Integer> uidBySocket = new HashMap<>();
        readListeners(proc.resolve("net/tcp"), port, uidBySocket);
        readListeners(proc.resolve("net/tcp6"), port, uidBySocket);
        if (uidBySocket.isEmpty()) {
            return PortHolders.unknown("no process listens on port " + port
                    + "; a short-lived client connection may have used it");
        }
        SocketOwners owners = findOwners(uidBySocket.keySet());
        if (owners.pids().isEmpty()) {
            int uid = uidBySocket.values().iterator().next();
            return PortHolders.unknown("the listener belongs to " + userName(uid)
                    + (owners.hiddenProcesses() > 0 ? ", whose processes this user may not inspect" : "")
                    + "; run as that user or root to see it");
        }
        return PortHolders.found(owners.pids().stream().sorted().map(this::describe).toList());
    }

    /**
     * Whether this process can see that nobody listens on {@code port}: the kernel's tables are
     * readable and hold no LISTEN row for it. False when it cannot tell (no {@code /proc}), so
     * that a caller never mistakes "cannot see" for "nobody".
     */
    public boolean seesNoListener(int port) {
        if (!Files.isReadable(proc.resolve("net/tcp"))) {
            return false;
        }
        Map<String, Integer> uidBySocket = new HashMap<>();
        readListeners(proc.resolve("net/tcp"), port, uidBySocket);
        readListeners(proc.resolve("net/tcp6"), port, uidBySocket);
        return uidBySocket.isEmpty();
    }

    private static void readListeners(Path table, int port, Map<String, Integer> uidBySocket) {
        List<String> rows;
        try {
            rows = Files.readAllLines(table, StandardCharsets.US_ASCII);
        }
        catch (IOException ex) {
            return; // no IPv6 on this machine: the table is missing, nothing listens there
        }
        for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            String[] columns = row.trim().split("\\s+");
            if (columns.length < 10 || !LISTEN.equals(columns[3])) {
                continue;
            }
            String local = columns[1];
            int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
            if (localPort == port) {
                uidBySocket.put("socket:[" + columns[9] + "]", Integer.parseInt(columns[7]));
            }
        }
    }

    private SocketOwners findOwners(Set<String> sockets) {
        List<Long> pids = new ArrayList<>();
        int hidden = 0;
        try (Stream<Path> processes = Files.list(proc)) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (isOneOf(fd, sockets)) {
                            pids.add(Long.parseLong(name));
                            break;
                        }
                    }
                }
                catch (IOException ex) {
                    hidden++; // another user's process, or one that has just exited
                }
            }
        }
        catch (IOException ex) {
            return new SocketOwners(List.of(), 1);
        }
        return new SocketOwners(pids, hidden);
    }

    private static boolean isOneOf(Path fd, Set<String> sockets) {
        try {
            return sockets.contains(Files.readSymbolicLink(fd).toString());
        }
        catch (IOException ex) {
            return false; // the descriptor was closed while we looked
        }
    }

    private PortHolder describe(long pid) {
        Path process = proc.resolve(Long.toString(pid));
        String user;
        try {
            user = Files.getOwner(process).getName();
        }
        catch (IOException ex) {
            user = "unknown";
        }
        Instant started = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant()).orElse(null);
        return new PortHolder(pid, user, started, commandLine(process));
    }

    private static String commandLine(Path process) {
        try {
            // the whole command line: ProcessHandle.Info cuts it at 4096 bytes
            byte[] raw;
            try (InputStream in = Files.newInputStream(process.resolve("cmdline"))) {
                raw = in.readAllBytes(); // procfs reports size 0: read to the end
            }
            String text = new String(raw, StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                String[] arguments = text.endsWith("\0") ? text.substring(0, text.length() - 1).split("\0", -1)
                        : text.split("\0", -1);
                return MaskedCommandLine.of(Arrays.asList(arguments));
            }
            return "[" + Files.readString(process.resolve("comm")).trim() + "]";
        }
        catch (IOException ex) {
            return "unknown command";
        }
    }

    private String userName(int uid) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            Optional<String> name = lines.map(line -> line.split(":"))
                    .filter(fields -> fields.length > 2 && fields[2].equals(Integer.toString(uid)))
                    .map(fields -> fields[0])
                    .findFirst();
            return name.map(n -> "user " + n + " (uid " + uid + ")").orElse("uid " + uid);
        }
        catch (IOException ex) {
            return "uid " + uid;
        }
    }

    private record SocketOwners(List<Long> pids, int hiddenProcesses) {
    }

}
