package com.virtuoso.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
