package com.virtuoso.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A client on this machine's loopback address, for tests that ask whether a port is served. */
public final class LoopbackClient {

    private LoopbackClient() {
    }

    /** Whether a connection to 127.0.0.1:{@code port} is accepted within a second. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

}
