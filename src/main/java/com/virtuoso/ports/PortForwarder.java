package com.virtuoso.ports;

import java.util.Optional;

/**
 * A program that holds a host port on behalf of a container: the container engine publishes the
 * port through it. Signalling it frees the port but leaves the container running with its
 * mapping cut, behind the engine's back: the container is what to stop.
 */
public enum PortForwarder {

    /** Docker's userland proxy, one per published port and address family. */
    DOCKER_PROXY("docker-proxy", "Docker", "Docker container", "docker", "a Docker-published port"),

    /** Rootless Docker's port driver (the default, builtin), in the user's namespace. */
    ROOTLESSKIT("rootlesskit", "Docker", "Docker container", "docker", "a port published by rootless Docker"),

    /** The user-mode network stack that rootless Docker or Podman may forward ports through. */
    SLIRP4NETNS("slirp4netns", "the container engine", "container", "docker", "a port published by a rootless container"),

    /** Rootless Podman's port forwarder. */
    ROOTLESSPORT("rootlessport", "Podman", "Podman container", "podman", "a port published by rootless Podman");

    private final String executable;

    private final String engine;

    private final String container;

    private final String cli;

    private final String unnamed;

    PortForwarder(String executable, String engine, String container, String cli, String unnamed) {
        this.executable = executable;
        this.engine = engine;
        this.container = container;
        this.cli = cli;
        this.unnamed = unnamed;
    }

    /**
     * The forwarder {@code holder} is, told by the program its command line starts with:
     * {@code /usr/sbin/docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 8000 ...}.
     */
    public static Optional<PortForwarder> of(PortHolder holder) {
        String command = (holder != null && holder.command() != null) ? holder.command().strip() : "";
        int end = command.indexOf(' ');
        String program = (end < 0) ? command : command.substring(0, end);
        if (program.startsWith("[") && program.endsWith("]")) {
            program = program.substring(1, program.length() - 1); // the kernel's name, when argv is gone
        }
        String name = program.substring(program.lastIndexOf('/') + 1);
        for (PortForwarder forwarder : values()) {
            if (forwarder.executable.equals(name)) {
                return Optional.of(forwarder);
            }
        }
        return Optional.empty();
    }

    /** The program's name: {@code docker-proxy}. */
    public String executable() {
        return executable;
    }

    /** Who publishes the port through it, in words: {@code Docker}. */
    public String engine() {
        return engine;
    }

    /** What the engine runs, in words: {@code Docker container}. */
    public String container() {
        return container;
    }

    /** The engine's command-line client, which stops a container: {@code docker}. */
    public String cli() {
        return cli;
    }

    /** The port, when its container cannot be named: {@code a Docker-published port}. */
    public String unnamed() {
        return unnamed;
    }

    /** What names the container publishing {@code port}, for when it could not be named here. */
    public String findCommand(int port) {
        return (this == ROOTLESSPORT) ? "podman port --all" : "docker ps --filter publish=" + port;
    }

}
