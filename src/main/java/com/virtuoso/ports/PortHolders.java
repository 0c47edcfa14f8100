package com.virtuoso.ports;

import java.util.List;
import java.util.Optional;

/**
 * Who holds a port, as far as this process can see.
 *
 * @param holders the processes owning a LISTEN socket on the port; several when a server forks
 * workers that share one socket; empty when none could be identified
 * @param unknownReason why no holder is named, or {@code null} when {@code holders} is not empty
 * @param publishedPort how a container publishes the port when a holder is its forwarder
 * ({@code docker-proxy}) or, with no holder seen, when the engine names a container behind a root
 * listener; otherwise {@code null}
 */
public record PortHolders(List<PortHolder> holders, String unknownReason, PublishedPort publishedPort) {

    public PortHolders {
        holders = List.copyOf(holders);
    }

    public static PortHolders found(List<PortHolder> holders) {
        return new PortHolders(holders, null, null);
    }

    /** {@code holders}, one of which forwards the port for a container as {@code published} says. */
    public static PortHolders published(List<PortHolder> holders, PublishedPort published) {
        return new PortHolders(holders, null, published);
    }

    /**
     * No holder this user can see ({@code reason} says why), yet a container engine says a container
     * publishes the port through a listener of root: Docker's proxy, whose process is root's.
     */
    public static PortHolders publishedUnseen(String reason, PublishedPort published) {
        return new PortHolders(List.of(), reason, published);
    }

    public static PortHolders unknown(String reason) {
        return new PortHolders(List.of(), reason, null);
    }

    /** How a container publishes the port, when a holder is its forwarder. */
    public Optional<PublishedPort> published() {
        return Optional.ofNullable(publishedPort);
    }

    /** Whether process {@code pid} is among the holders. */
    public boolean heldBy(long pid) {
        return holders.stream().anyMatch((holder) -> holder.pid() == pid);
    }

    /** The first holder (the lowest PID, usually the parent of forked workers), or {@code null}. */
    public PortHolder first() {
        return holders.isEmpty() ? null : holders.get(0);
    }

    /**
     * {@code PID 4242 (python3 -m http.server 8000)}, {@code an unknown process (reason)}, or for a
     * published port the container ({@code Docker container web (4d7ac333d3d4), published through
     * docker-proxy PID 13579}): its forwarder's command line says less than the container's name.
     */
    public String describe() {
        if (holders.isEmpty()) {
            return (publishedPort != null) ? publishedPort.describe() : "an unknown process (" + unknownReason + ")";
        }
        String first = (publishedPort != null) ? publishedPort.describe() : holders.get(0).describe();
        return holders.size() == 1 ? first : first + " and " + (holders.size() - 1) + " more";
    }

}
