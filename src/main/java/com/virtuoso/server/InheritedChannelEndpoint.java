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
 * On a socket of its own it behaves exactly as Tomcat's.
 */
class InheritedChannelEndpoint extends NioEndpoint {

    /** How long the acceptor waits for a connection before it looks whether it should stop. */
    static final Duration ACCEPT_SLICE = Duration.ofMillis(25);

    /** How long stopping waits for the acceptor to leave the backlog, as Tomcat's own unlock does. */
    private static final Duration ACCEPTOR_STOP_WAIT = Duration.ofSeconds(1);

    private volatile boolean acceptStopped;

    @Override
    protected SocketChannel serverSocketAccept() throws Exception {
        if (!getUseInheritedChannel()) {
            return super.serverSocketAccept();
        }
        ServerSocket socket = ((ServerSocketChannel) getServerSocket()).socket();
        socket.setSoTimeout((int) ACCEPT_SLICE.toMillis());
        while (!acceptStopped) {
            try {
                return socket.accept().getChannel();
            }
            catch (SocketTimeoutException ex) {
                // nobody connected in this slice: look again whether to stop
            }
        }
        return null; // the acceptor ends: see destroySocket
    }

    @Override
    protected void unlockAccept() {
        if (!getUseInheritedChannel()) {
            super.unlockAccept();
            return;
        }
        acceptStopped = true;
        long deadline = System.nanoTime() + ACCEPTOR_STOP_WAIT.toNanos();
        while (acceptor != null && acceptor.getState() == AcceptorState.RUNNING && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
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

}
