package com.virtuoso.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A {@code /proc} of the test's own making, for the views a root test cannot get from the real
 * one: no {@code /proc} at all, or a listener whose process this user may not inspect.
 */
public final class FakeProc {

    private FakeProc() {
    }

    /** A holder lookup that reads {@code proc} instead of {@code /proc}. */
    public static PortHolderLookup lookup(Path proc) {
        return new PortHolderLookup(proc);
    }

    /** A holder lookup that reads {@code proc} and asks {@code engine} which container publishes a port. */
    public static PortHolderLookup lookup(Path proc, PublishingContainers engine) {
        return new PortHolderLookup(proc, proc.resolve("passwd"), engine);
    }

    /** As {@link #lookup(Path, PublishingContainers)}, its engine answers aged by {@code nanoClock}. */
    public static PortHolderLookup lookup(Path proc, PublishingContainers engine, LongSupplier nanoClock) {
        return new PortHolderLookup(proc, proc.resolve("passwd"), engine, nanoClock);
    }

    /**
     * Writes a {@code net/tcp} under {@code proc} with one LISTEN row for {@code port}, owned by
     * root, and process {@code pid} holding its socket, started with {@code argv}: a forwarder
     * such as {@code docker-proxy}, which a test must never signal for real.
     */
    public static void listener(Path proc, int port, long pid, String... argv) throws IOException {
        hiddenListener(proc, port, 0);
        Path fd = Files.createDirectories(proc.resolve(pid + "/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[424242]"));
        Files.writeString(proc.resolve(pid + "/cmdline"), String.join("\0", argv) + "\0");
        Files.writeString(proc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    }

    /**
     * Writes a {@code net/tcp} under {@code proc} with one LISTEN row for {@code port}, owned by
     * {@code uid}, and no process that holds its socket: as another user's listener looks to a
     * user who may not read that user's {@code /proc/<pid>/fd}.
     */
    public static void hiddenListener(Path proc, int port, int uid) throws IOException {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), String.join("\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:" + String.format("%04X", port) + " 00000000:0000 0A 00000000:00000000 00:00000000 "
                        + "00000000 " + uid + "        0 424242 1 0000000000000000 100 0 0 10 0",
                ""));
    }

}
