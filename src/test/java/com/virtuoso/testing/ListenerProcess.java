package com.virtuoso.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A listener in a process of its own, so that a port has a foreign holder with a PID and a
 * command line. The test that starts one closes it, which ends that process and no other.
 */
public final class ListenerProcess implements AutoCloseable {

    private final Process process;

    private final int port;

    private ListenerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** A process listening on {@code host:port}, once it listens. */
    public static ListenerProcess start(String host, int port) throws Exception {
        return start(host, port, "plain");
    }

    /** A process listening on {@code host:port} that ignores SIGTERM, once it listens. */
    public static ListenerProcess startIgnoringSigterm(String host, int port) throws Exception {
        return start(host, port, "ignore-sigterm");
    }

    /**
     * A process listening on {@code host:port} whose program is named {@code program}
     * ({@code docker-proxy}): Java started through a link of that name made in {@code directory},
     * so that its command line starts with {@code directory/program}.
     */
    public static ListenerProcess startAs(String program, Path directory, String host, int port) throws Exception {
        Path link = Files.createSymbolicLink(directory.resolve(program), java());
        return start(link.toString(), host, port, "plain");
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static ListenerProcess start(String host, int port, String mode) throws Exception {
        return start(java().toString(), host, port, mode);
    }

    private static ListenerProcess start(String java, String host, int port, String mode) throws Exception {
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ListenerMain.class.getName(), host, Integer.toString(port), mode)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> readLine(output)).get(30, TimeUnit.SECONDS);
        if (!"READY".equals(first)) {
            process.destroyForcibly();
            throw new IllegalStateException("listener on " + host + ":" + port + " did not start: " + first);
        }
        return new ListenerProcess(process, port);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end, as a kill should make it; whether it ended in time. */
    public boolean awaitExit(Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        }
        catch (Exception ex) {
            return ex.toString();
        }
    }

}
