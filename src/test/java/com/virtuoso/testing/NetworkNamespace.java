package com.virtuoso.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A remote client for tests: a network namespace of the test's own, joined to this host by a
 * veth pair on a random /30 of 198.51.100.0/24 (TEST-NET-2), so that requests from it reach the
 * server from a non-loopback address. Needs root and iproute2; {@link #close()} removes the
 * namespace and with it both ends of the pair.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final String name;

    private final String hostAddress;

    private final String clientAddress;

    private NetworkNamespace(String name, String hostAddress, String clientAddress) {
        this.name = name;
        this.hostAddress = hostAddress;
        this.clientAddress = clientAddress;
    }

    /** A new namespace with a client address routed to this host's new veth address. */
    public static NetworkNamespace create() throws Exception {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        int subnet = 4 * ThreadLocalRandom.current().nextInt(0, 64);
        String hostAddress = "198.51.100." + (subnet + 1);
        String clientAddress = "198.51.100." + (subnet + 2);
        NetworkNamespace namespace = new NetworkNamespace("virtuoso-" + id, hostAddress, clientAddress);
        String hostEnd = "vt" + id + "h";
        String clientEnd = "vt" + id + "c";
        run("ip", "netns", "add", namespace.name);
        try {
            run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", clientEnd);
            run("ip", "link", "set", clientEnd, "netns", namespace.name);
            run("ip", "addr", "add", hostAddress + "/30", "dev", hostEnd);
            run("ip", "link", "set", hostEnd, "up");
            namespace.exec("ip", "addr", "add", clientAddress + "/30", "dev", clientEnd);
            namespace.exec("ip", "link", "set", clientEnd, "up");
            namespace.exec("ip", "link", "set", "lo", "up");
        }
        catch (Exception ex) {
            namespace.close();
            throw ex;
        }
        return namespace;
    }

    /** This host's address on the pair: what the client connects to. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The client's address, as the server sees it. */
    public String clientAddress() {
        return clientAddress;
    }

    /**
     * An HTTP GET from inside the namespace, with curl.
     * @param url the URL, on {@link #hostAddress()}
     * @param curlOptions extra curl options such as {@code -H}, {@code X-Forwarded-For: 127.0.0.1} or {@code -u}
     */
    public Response get(String url, String... curlOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "10", "-w", "\n%{http_code}"));
        command.addAll(List.of(curlOptions));
        command.add(url);
        String output = exec(command.toArray(String[]::new));
        int split = output.lastIndexOf('\n');
        return new Response(Integer.parseInt(output.substring(split + 1).trim()), output.substring(0, split));
    }

    /**
     * An answer to {@link #get}.
     *
     * @param status the HTTP status
     * @param body the body
     */
    public record Response(int status, String body) {
    }

    private String exec(String... command) throws Exception {
        List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", name));
        inNamespace.addAll(List.of(command));
        return run(inNamespace.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // read before waiting, so that a long body cannot fill the pipe; curl's -m bounds the read
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end within "
                    + COMMAND_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                    + "): " + output.strip() + ". These tests need root and iproute2 (apt-get install iproute2 curl)");
        }
        return output;
    }

    @Override
    public void close() throws Exception {
        run("ip", "netns", "delete", name);
    }

}
