package com.virtuoso.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A foreign process holding a port: binds HOST:PORT, prints READY, and listens until its
 * standard input closes or it is killed. With a third argument {@code ignore-sigterm} it survives
 * SIGTERM, like a stuck server. Started by {@link ListenerProcess}.
 */
public final class ListenerMain {

    private ListenerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 2 && args[2].equals("ignore-sigterm")) {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), (signal) -> {
            });
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the port until the test closes our input
            }
        }
    }

}
