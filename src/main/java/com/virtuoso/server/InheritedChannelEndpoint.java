package com.virtuoso.server;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.apache.tomcat.util.net.Acceptor.AcceptorState;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * Tomcat's NIO endpoint, stopping on an inherited socket without dropping a client.
 * <p>
 * Tomcat wakes an acceptor blocked in {@code accept} by connecting to its own socket, and the
 * acceptor, told to stop, closes the connection it takes: the first one in the backlog, which
 * on a socket held across a restart may be a client's. Closing the inherited channel instead
 * would also point standard output and error at {@code /dev/null} (the JDK detaches the standard
 * streams of an inherited channel it closes), and the shutdown would log nothing. So on an
 * inherited socket the acceptor waits for a connection in short slices and, told to stop, leaves
 * the backlog to the next server; a connection it did take meanwhile is served, never closed.
 * <p>
 * On an inherited socket it also accepts only while the application is ready to serve (see
 * {@link #accepting}): the connections made while it starts or stops wait in the backlog, for
 * this server once it is ready or for the next one, where a server still starting or already
 * stopping would answer its health as out of service. On a socket of its own it behaves exactly
 * as Tomcat's.
 */
class InheritedChannelEndpoint extends NioEndpoint {

    /** How long the acceptor waits for a connection, or for the gate, before it looks again. */
    static final Duration ACCEPT_SLICE = Duration.ofMillis(25);

    /** How long stopping waits for the acceptor to leave the backlog, as Tomcat's own unlock does. */
    private static final Duration ACCEPTOR_STOP_WAIT = Duration.ofSeconds(1);

    private volatile boolean acceptStopped;

    private final Object gate = new Object();

    /** Whether the acceptor may take connections from an inherited socket; guarded by {@link #gate}. */
    private boolean open;

    /** Whether the acceptor has seen the gate closed: every connection it took before is registered. */
    private volatile boolean parked = true;

    /**
     * Opens or closes the gate of an inherited socket. Closing returns once the acceptor has seen
     * it closed (at most a slice later) and the connections it took before were served and closed,
     * or after {@code drain} at the latest: a keep-alive client may keep its connection open.
     */
    void accepting(boolean accept, Duration drain) {
        synchronized (gate) {
            open = accept;
            parked = false;
            gate.notifyAll();
        }
        if (accept || !getUseInheritedChannel() || getServerSocket() == null) {
            return;
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!parked && !acceptStopped && System.nanoTime() < deadline) {
            sleepBriefly();
        }
        awaitConnectionsClose(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
    }

    @Override
    protected SocketChannel serverSocketAccept() throws Exception {
        if (!getUseInheritedChannel()) {
            return super.serverSocketAccept();
        }
        ServerSocket socket = ((ServerSocketChannel) getServerSocket()).socket();
        socket.setSoTimeout((int) ACCEPT_SLICE.toMillis());
        while (!acceptStopped) {
            if (!awaitOpen()) {
                continue;
            }
            try {
                return socket.accept().getChannel();
            }
            catch (SocketTimeoutException ex) {
                // nobody connected in this slice: look again whether to stop
            }
        }
        return null; // the acceptor ends: see destroySocket
    }

    /** Whether the gate is open, waiting a slice for it; a closed gate is acknowledged as parked. */
    private boolean awaitOpen() throws InterruptedException {
        synchronized (gate) {
            if (!open) {
                parked = true;
                gate.wait(ACCEPT_SLICE.toMillis());
            }
            return open;
        }
    }

    @Override
    protected void unlockAccept() {
        if (!getUseInheritedChannel()) {
            super.unlockAccept();
            return;
        }
        acceptStopped = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        long deadline = System.nanoTime() + ACCEPTOR_STOP_WAIT.toNanos();
        while (acceptor != null && acceptor.getState() == AcceptorState.RUNNING && System.nanoTime() < deadline) {
            sleepBriefly();
        }
    }

    /**
     * The acceptor hands over a connection it will not serve because it was told to stop: on an
     * inherited socket that is {@code null} when it took none, and a client otherwise, who is
     * served here as nobody else could serve it.
     */
    @Override
    protected void destroySocket(SocketChannel socket) {
        if (socket == null) {
            countDownConnection();
            return;
        }
        if (getUseInheritedChannel() && isRunning()) {
            if (!setSocketOptions(socket)) {
                closeSocket(socket);
            }
            return;
        }
        super.destroySocket(socket);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
