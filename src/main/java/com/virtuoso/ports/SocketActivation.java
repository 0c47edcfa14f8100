package com.virtuoso.ports;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the listening socket a service manager handed to this process, if any, as systemd's
 * {@code sd_listen_fds} does: {@code LISTEN_FDS=1} with {@code LISTEN_PID} naming this process.
 * Java takes an inherited socket from fd 0 only ({@link System#inheritedChannel()}), so the
 * launcher moves fd 3 there; a socket unit with {@code StandardInput=socket} puts it there
 * itself, without the variables, and is taken too.
 * <p>
 * {@code LISTEN_PID} naming another process means the variables were meant for a parent that
 * passed them on: they are ignored with a warning and the server binds as configured. Anything
 * else that cannot be served (two or more sockets, the socket not on fd 0, not a TCP socket)
 * fails the start with an {@link InheritedSocketException}: the service manager would keep
 * accepting connections on it that nobody serves.
 */
public final class SocketActivation {

    /** Reads the channel inherited on fd 0, as {@link System#inheritedChannel()}. */
    @FunctionalInterface
    public interface InheritedChannel {

        /** @return the channel on fd 0, or {@code null} when fd 0 is not a socket */
        Channel get() throws IOException;

    }

    /**
     * What this process was handed.
     *
     * @param socket the socket to serve, or empty to bind as configured
     * @param warnings why variables that were set are not followed, one sentence each
     */
    public record Detection(Optional<InheritedSocket> socket, List<String> warnings) {

        public Detection {
            warnings = List.copyOf(warnings);
        }

    }

    private static final String START_THROUGH_LAUNCHER = "Start the server through bin/virtuoso, which moves the "
            + "socket from fd 3 to fd 0, or set StandardInput=socket (with StandardOutput=journal and "
            + "StandardError=journal) in the service unit";

    private final Map<String, String> environment;

    private final long pid;

    private final InheritedChannel inheritedChannel;

    public SocketActivation(Map<String, String> environment, long pid, InheritedChannel inheritedChannel) {
        this.environment = Map.copyOf(environment);
        this.pid = pid;
        this.inheritedChannel = inheritedChannel;
    }

    /** This process: its environment, its PID and its fd 0. */
    public static SocketActivation ofThisProcess() {
        return new SocketActivation(System.getenv(), ProcessHandle.current().pid(), System::inheritedChannel);
    }

    /**
     * The socket to serve, if this process was handed one.
     * @throws InheritedSocketException when it was handed sockets it cannot serve
     */
    public Detection detect() {
        String fds = environment.get("LISTEN_FDS");
        if (fds == null) {
            return listeningOnStandardInput().map((address) -> found(address, InheritedSocket.Source.STANDARD_INPUT))
                .orElseGet(() -> new Detection(Optional.empty(), List.of()));
        }
        String listenPid = environment.get("LISTEN_PID");
        if (listenPid == null || !listenPid.strip().equals(Long.toString(pid))) {
            return new Detection(Optional.empty(), List.of("LISTEN_FDS=" + fds + " is set, but LISTEN_PID="
                    + listenPid + " is not this process (PID " + pid + "): the sockets were handed to another "
                    + "process; binding the configured port as usual"));
        }
        int count = count(fds);
        if (count == 0) {
            return new Detection(Optional.empty(),
                    List.of("LISTEN_FDS=0: the service manager handed over no socket; binding the configured port"));
        }
        if (count > 1) {
            throw new InheritedSocketException("The service manager handed over " + count + " sockets (LISTEN_FDS="
                    + fds + "), but Virtuoso serves exactly one inherited socket",
                    "Keep one ListenStream= in the socket unit; for more ports, set web_server.additional_ports, "
                            + "which the server binds itself");
        }
        InetSocketAddress address = listeningOnStandardInput()
            .orElseThrow(() -> new InheritedSocketException("The service manager handed over a socket (LISTEN_FDS=1), "
                    + "but standard input (fd 0) is not a listening socket: Java serves an inherited socket from "
                    + "fd 0 only", START_THROUGH_LAUNCHER));
        return found(address, InheritedSocket.Source.LISTEN_FDS);
    }

    private static Detection found(InetSocketAddress address, InheritedSocket.Source source) {
        return new Detection(Optional.of(new InheritedSocket(address, source)), List.of());
    }

    private static int count(String fds) {
        try {
            // digits only: "+1" and "-1" are no counts a service manager writes
            if (!fds.strip().matches("[0-9]{1,9}")) {
                throw new NumberFormatException(fds);
            }
            return Integer.parseInt(fds.strip());
        }
        catch (NumberFormatException ex) {
            throw new InheritedSocketException("LISTEN_FDS=" + fds + " is not a number of sockets",
                    "Let the service manager set LISTEN_FDS and LISTEN_PID; do not set them by hand", ex);
        }
    }

    /** The address of the listening TCP socket on fd 0, or empty when fd 0 is not a listening socket. */
    private Optional<InetSocketAddress> listeningOnStandardInput() {
        Channel channel;
        try {
            channel = inheritedChannel.get();
        }
        catch (IOException ex) {
            throw new InheritedSocketException("Standard input (fd 0) cannot be read as an inherited socket: " + ex,
                    START_THROUGH_LAUNCHER, ex);
        }
        if (!(channel instanceof ServerSocketChannel server)) {
            return Optional.empty();
        }
        SocketAddress local;
        try {
            local = server.getLocalAddress();
        }
        catch (IOException ex) {
            throw new InheritedSocketException("The inherited socket on fd 0 has no address it listens on: " + ex,
                    "Hand over a socket bound to a TCP port (ListenStream=PORT in the socket unit)", ex);
        }
        if (!(local instanceof InetSocketAddress address)) {
            throw new InheritedSocketException("The inherited socket on fd 0 listens on " + local
                    + ", not on a TCP port: Virtuoso serves HTTP over TCP", "Set ListenStream=PORT (or ADDRESS:PORT) "
                            + "in the socket unit, not a path");
        }
        return Optional.of(address);
    }

}
