package com.virtuoso.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process of its own that holds an OS lock on a file, as a stuck neighbour would, until the
 * test that started it closes it: closing its stdin releases the lock and ends that process and no
 * other.
 */
public final class FileLockHolder implements AutoCloseable {

    private static final String LOCKED = "LOCKED";

    private final Process process;

    private FileLockHolder(Process process) {
        this.process = process;
    }

    /** A process holding the lock on {@code file} (created if missing), once it holds it. */
    public static FileLockHolder lock(Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FileLockHolder.class.getName(), file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> readLine(output)).get(30, TimeUnit.SECONDS);
        if (!LOCKED.equals(first)) {
            process.destroyForcibly();
            throw new IllegalStateException("no lock on " + file + ": " + first);
        }
        return new FileLockHolder(process);
    }

    public long pid() {
        return process.pid();
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
            return "unreadable output: " + ex;
        }
    }

    /** Locks {@code args[0]}, says so, and holds the lock until stdin is closed. */
    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            System.out.println(LOCKED);
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }

}
