package com.virtuoso.ports;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A port a container engine publishes: a forwarder such as {@code docker-proxy} holds it for a
 * container. A signal to the forwarder frees the port but leaves the container running with its
 * mapping cut, behind the engine's back, so the port is freed by stopping the container.
 *
 * @param port the port
 * @param holder the forwarder that holds it, or {@code null} when this user cannot see its process
 * (docker-proxy runs as root) and only the engine said that a container publishes the port
 * @param forwarder what the holder is
 * @param containers the containers that publish the port, as the engine names them; empty when it
 * could not be asked (no engine socket, no permission, no answer in time)
 */
public record PublishedPort(int port, PortHolder holder, PortForwarder forwarder, List<PublishingContainer> containers) {

    /** The forwarder, when this user cannot see its process: a listener owned by root. */
    private static final String UNSEEN = "a listener of root this user cannot see";

    public PublishedPort {
        containers = List.copyOf(containers);
    }

    /**
     * The port as published by a container, when one of {@code holders} is a forwarder; the engine
     * is asked only then, about the addresses the forwarder listens on ({@code addressesByPid}).
     */
    public static Optional<PublishedPort> among(int port, List<PortHolder> holders,
            Map<Long, Set<InetAddress>> addressesByPid, PublishingContainers engine) {
        for (PortHolder holder : holders) {
            Optional<PortForwarder> forwarder = PortForwarder.of(holder);
            if (forwarder.isPresent()) {
                Set<InetAddress> addresses = addressesByPid.getOrDefault(holder.pid(), Set.of());
                return Optional.of(new PublishedPort(port, holder, forwarder.get(), engine.publishing(port, addresses)));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code Docker container web (4d7ac333d3d4), published through docker-proxy PID 13579}, or,
     * when the engine named none, {@code a Docker-published port (docker-proxy PID 13579)}.
     */
    public String describe() {
        String through = (holder != null) ? forwarder.executable() + " PID " + holder.pid() : UNSEEN;
        if (containers.isEmpty()) {
            return forwarder.unnamed() + " (" + through + ")";
        }
        return containerWords() + ", published through " + through;
    }

    /** Why the forwarder is not signalled, in words. */
    public String reason() {
        String heldBy = (holder != null)
                ? "PID " + holder.pid() + " is " + forwarder.executable() + ", which holds port " + port
                : "port " + port + " is held by " + UNSEEN + ",";
        return heldBy + " for "
                + (containers.isEmpty() ? "a " + forwarder.container() : containerWords())
                + ": a signal would leave the container running with its port cut off, behind "
                + forwarder.engine() + "'s back";
    }

    /** {@code docker stop web}, or what names the container when the engine named none. */
    public String stopCommand() {
        if (containers.isEmpty()) {
            return forwarder.findCommand(port);
        }
        return forwarder.cli() + " stop "
                + containers.stream().map(PublishingContainer::name).collect(Collectors.joining(" "));
    }

    /** What to run instead of a signal, in words. */
    public String instead() {
        return containers.isEmpty()
                ? "stop the container instead: " + stopCommand() + " names it, then " + forwarder.cli() + " stop NAME"
                : "stop the container instead: " + stopCommand();
    }

    private String containerWords() {
        return forwarder.container() + ((containers.size() == 1) ? " " : "s ")
                + containers.stream().map(PublishingContainer::describe).collect(Collectors.joining(", "));
    }

}
