package com.virtuoso.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a test, picked at run time: free on 127.0.0.1 and ::1 when picked, and below the
 * Linux ephemeral range (32768+), where outgoing connections could take them for a moment.
 */
public final class FreePorts {

    private static final int FIRST = 20000;

    private static final int LAST = 32000;

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free a moment ago. */
    public static List<Integer> pick(int count) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (!ports.contains(port) && isFree(port)) {
                ports.add(port);
            }
        }
        return ports;
    }

    public static int pick() {
        return pick(1).get(0);
    }

    private static boolean isFree(int port) {
        return canBind("127.0.0.1", port) && canBind("::1", port);
    }

    private static boolean canBind(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

}
