package com.virtuoso.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar target/virtuoso.jar} as a new user runs it: a process of its own, started in a
 * directory that holds its {@code config/application.yaml}. The test that starts one stops it.
 */
public final class JarProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Virtuoso listening on http://\\S+:(\\d+)");

    private final Process process;

    private final Path log;

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the jar in {@code directory}, with extra environment variables and arguments. */
    public static JarProcess start(Path directory, Map<String, String> environment, String... arguments)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar()));
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(directory, "virtuoso-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new JarProcess(builder.start(), log);
    }

    public static String jar() {
        String jar = System.getProperty("virtuoso.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("No packaged jar at " + jar + ": run ./mvnw verify");
        }
        return jar;
    }

    /** Runs {@code java -jar virtuoso.jar ports ARGS...} in {@code directory} to its end. */
    public static JarProcess ports(Path directory, String... arguments) throws IOException {
        List<String> all = new ArrayList<>(List.of("ports"));
        all.addAll(List.of(arguments));
        return start(directory, Map.of(), all.toArray(String[]::new));
    }

    /** Writes {@code directory/config/application.yaml}. */
    public static void writeConfig(Path directory, String yaml) throws IOException {
        Files.createDirectories(directory.resolve("config"));
        Files.writeString(directory.resolve("config/application.yaml"), yaml);
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.readString(log);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The port it listens on, once it says so. */
    public int awaitListening() {
        await().atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> LISTENING.matcher(output()).find() || !process.isAlive());
        Matcher listening = LISTENING.matcher(output());
        if (!listening.find()) {
            throw new IllegalStateException("exited with " + process.exitValue() + " before listening:\n" + output());
        }
        return Integer.parseInt(listening.group(1));
    }

    /** Its exit code, once it has exited. */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + within + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, as an operator or a service manager stops it. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: it dies at once, without stopping (no shutdown hook runs). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

}
