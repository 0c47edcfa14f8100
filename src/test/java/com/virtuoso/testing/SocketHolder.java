package com.virtuoso.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What systemd socket activation does, without systemd: {@code socket-holder.py} holds a
 * listening socket on 127.0.0.1 and runs {@code java -jar target/virtuoso.jar} on it (fd 3 and
 * fd 0, {@code LISTEN_FDS=1}, {@code LISTEN_PID} the server's PID), and restarts the server on
 * the same socket when told. The test that starts one closes it, which stops that server and the
 * holder, and no other process.
 */
public final class SocketHolder implements AutoCloseable {

    private static final Duration ANSWER_WAIT = Duration.ofSeconds(120);

    private final Process holder;

    private final PrintWriter commands;

    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private final Path log;

    private final int port;

    /** The server running now; a handle checks the start time, so a reused PID is never signalled. */
    private volatile ProcessHandle server;

    private SocketHolder(Process holder, Path log) throws InterruptedException {
        this.holder = holder;
        this.log = log;
        this.commands = new PrintWriter(holder.outputWriter(StandardCharsets.UTF_8), true);
        Thread reader = new Thread(this::readAnswers, "socket-holder-output");
        reader.setDaemon(true);
        reader.start();
        this.port = Integer.parseInt(answer("PORT"));
        this.server = started();
    }

    /**
     * Holds a socket and starts the packaged jar on it, in {@code directory}.
     * @param options options of {@code socket-holder.py}, such as {@code --listen-fds 2}
     */
    public static SocketHolder start(Path directory, String... options) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return start(directory, Map.of(), List.of(options), List.of(java, "-jar", JarProcess.jar()));
    }

    /**
     * Holds a socket and starts {@code server} on it, in {@code directory}, with {@code environment}
     * added to this JVM's.
     * @param options options of {@code socket-holder.py}, such as {@code --fd3-only}
     */
    public static SocketHolder start(Path directory, Map<String, String> environment, List<String> options,
            List<String> server) throws IOException, InterruptedException {
        String script;
        try {
            script = Path.of(SocketHolder.class.getResource("/socket-holder.py").toURI()).toString();
        }
        catch (java.net.URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
        Path log = directory.resolve("server.log");
        List<String> command = new ArrayList<>(List.of("python3", script, "--log", log.toString()));
        command.addAll(options);
        command.add("--");
        command.addAll(server);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process holder = builder.start();
        return new SocketHolder(holder, log);
    }

    /** The port of the held socket. */
    public int port() {
        return port;
    }

    /** The PID of the server running now. */
    public long serverPid() {
        return server.pid();
    }

    public long holderPid() {
        return holder.pid();
    }

    /** Everything the servers wrote, across restarts. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * SIGTERM to the server, and once it has exited, a new one on the same socket.
     * @return the exit code of the server that was stopped
     */
    public int restart() throws InterruptedException {
        commands.println("restart");
        String[] stopped = answer("STOPPED").split(" ");
        server = started();
        return Integer.parseInt(stopped[1]);
    }

    /** Waits for the server to exit by itself; its exit code. */
    public int awaitExit() throws InterruptedException {
        commands.println("wait");
        return Integer.parseInt(answer("STOPPED").split(" ")[1]);
    }

    private ProcessHandle started() throws InterruptedException {
        long pid = Long.parseLong(answer("STARTED"));
        return ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException("the server " + pid + " exited at once:\n" + output()));
    }

    private String answer(String word) throws InterruptedException {
        String line = answers.poll(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || !line.startsWith(word + " ")) {
            throw new IllegalStateException("socket-holder.py answered " + line + ", not " + word + ":\n" + output());
        }
        return line.substring(word.length() + 1);
    }

    private void readAnswers() {
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                answers.add(line);
            }
        }
        catch (IOException ex) {
            answers.add("FAILED " + ex);
        }
    }

    /** Stops the server and the holder; by force only the two processes this holder started. */
    @Override
    public void close() throws InterruptedException {
        commands.println("stop");
        commands.close();
        if (!holder.waitFor(60, TimeUnit.SECONDS)) {
            holder.destroyForcibly().waitFor();
        }
        if (server.isAlive()) {
            server.destroyForcibly();
        }
    }

}
