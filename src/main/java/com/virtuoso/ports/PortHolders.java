package com.virtuoso.ports;

import java.util.List;

/**
 * Who holds a port, as far as this process can see.
 *
 * @param holders the processes owning a LISTEN socket on the port; several when a server forks
 * workers that share one socket; empty when none could be identified
 * @param unknownReason why no holder is named, or {@code null} when {@code holders} is not empty
 */
public record PortHolders(List<PortHolder> holders, String unknownReason) {

    public PortHolders {
        holders = List.copyOf(holders);
    }

    public static PortHolders found(List<PortHolder> holders) {
        return new PortHolders(holders, null);
    }

    public static PortHolders unknown(String reason) {
        return new PortHolders(List.of(), reason);
    }

    /** Whether process {@code pid} is among the holders. */
    public boolean heldBy(long pid) {
        return holders.stream().anyMatch((holder) -> holder.pid() == pid);
    }

    /** The first holder (the lowest PID, usually the parent of forked workers), or {@code null}. */
    public PortHolder first() {
        return holders.isEmpty() ? null : holders.get(0);
    }

    /** {@code PID 4242 (python3 -m http.server 8000)}, or {@code an unknown process (reason)}. */
    public String describe() {
        if (holders.isEmpty()) {
            return "an unknown process (" + unknownReason + ")";
        }
        String first = holders.get(0).describe();
        return holders.size() == 1 ? first : first + " and " + (holders.size() - 1) + " more";
    }

}
