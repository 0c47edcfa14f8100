import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The fast launch of bin/virtuoso (extracted jar + CDS archive) against a plain `java -jar`, in one
 * run, interleaved so that both see the same machine:
 * 1. server launch to the first HTTP 200 on /actuator/health: bin/virtuoso vs java -jar
 *    (goal: ratio at most 0.55);
 * 2. wall time of `ports check PORT` on a port this benchmark holds: bin/virtuoso vs java -jar
 *    (goal: bin/virtuoso median at most 0.5 s).
 * Both with the cache already made. First, with an empty cache, the first-use cost: the first
 * server launch to 200, and the first `ports check`, each against a plain launch.
 *
 * Run after ./mvnw -q package -DskipTests:
 *   java bench/LaunchBenchmark.java [rounds, default 9] [jar, default target/virtuoso.jar]
 * The launcher is bin/virtuoso, run with this JVM (JAVA_HOME) and a cache in a temp directory.
 *
 * Binds 127.0.0.1 only, on ports picked at run time below the ephemeral range.
 */
public class LaunchBenchmark {

    private static final Duration POLL = Duration.ofMillis(10);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;

    private final Path launcher;

    private final Path work;

    private final String java;

    LaunchBenchmark(Path jar, Path launcher, Path work) {
        this.jar = jar;
        this.launcher = launcher;
        this.work = work;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static void main(String[] args) throws Exception {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 9;
        Path jar = Path.of((args.length > 1) ? args[1] : "target/virtuoso.jar").toAbsolutePath();
        Path launcher = Path.of("bin/virtuoso").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            System.err.println("No jar at " + jar + ": run ./mvnw -q package -DskipTests first");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("virtuoso-launch-bench");
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.yaml"),
                "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \"" + work.resolve("state") + "\"\n");
        new LaunchBenchmark(jar, launcher, work).run(rounds);
    }

    private void run(int rounds) throws Exception {
        System.out.printf("jar %s, java %s %s, %d rounds, interleaved%n", jar, System.getProperty("java.vendor"),
                System.getProperty("java.runtime.version"), rounds);
        try (ServerSocket held = new ServerSocket()) {
            int heldPort = freePorts(1).get(0);
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), heldPort));
            List<String> plainCheck = List.of(java, "-jar", jar.toString(), "ports", "check",
                    Integer.toString(heldPort));
            List<String> fastCheck = List.of(launcher.toString(), "ports", "check", Integer.toString(heldPort));

            launch(plainServer(), "plain"); // warm the page cache
            double plainFirst = launch(plainServer(), "plain");
            double fastFirst = launch(fastServer(), "first-server");
            double plainCheckFirst = time(plainCheck, work.resolve("cli-cache"));
            double fastCheckFirst = time(fastCheck, work.resolve("cli-cache"));
            System.out.printf("first use, empty cache: server to 200 %.0f ms (plain java -jar %.0f ms), "
                    + "ports check %.0f ms (plain %.0f ms)%n", fastFirst, plainFirst, fastCheckFirst, plainCheckFirst);

            prepare(work.resolve("cache"));
            List<Double> plain = new ArrayList<>();
            List<Double> fast = new ArrayList<>();
            List<Double> plainChecks = new ArrayList<>();
            List<Double> fastChecks = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                plain.add(launch(plainServer(), "plain"));
                fast.add(launch(fastServer(), "fast"));
                plainChecks.add(time(plainCheck, work.resolve("cache")));
                fastChecks.add(time(fastCheck, work.resolve("cache")));
                System.out.printf("round %2d: server java -jar %6.0f ms  bin/virtuoso %6.0f ms   "
                        + "ports check java -jar %5.0f ms  bin/virtuoso %5.0f ms%n", i + 1, plain.get(i), fast.get(i),
                        plainChecks.get(i), fastChecks.get(i));
            }
            System.out.printf("median server launch -> first 200: java -jar %.0f ms, bin/virtuoso %.0f ms, "
                    + "ratio %.3f (goal <= 0.55)%n", median(plain), median(fast), median(fast) / median(plain));
            System.out.printf("median ports check: java -jar %.0f ms, bin/virtuoso %.0f ms (goal <= 500 ms), "
                    + "ratio %.3f%n", median(plainChecks), median(fastChecks), median(fastChecks) / median(plainChecks));
        }
    }

    private ProcessBuilder plainServer() {
        return new ProcessBuilder(java, "-jar", jar.toString());
    }

    private ProcessBuilder fastServer() {
        return new ProcessBuilder(launcher.toString());
    }

    /** Milliseconds from launch to the first 200 on /actuator/health; the log goes to NAME.log. */
    private double launch(ProcessBuilder builder, String name) throws Exception {
        int port = freePorts(1).get(0);
        builder.command().addAll(List.of("--web_server.port=" + port, "--web_server.auto_fallback=false",
                "--web_server.access_log=false"));
        withLauncherEnvironment(builder, work.resolve(name.equals("first-server") ? "server-cache" : "cache"));
        builder.directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        long start = System.nanoTime();
        Process server = builder.start();
        try {
            awaitHealthy(server, port, name);
            return (System.nanoTime() - start) / 1e6;
        }
        finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /** Makes the cache the rounds use: bin/virtuoso prepare. */
    private void prepare(Path cache) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "prepare").directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("prepare.log").toFile());
        withLauncherEnvironment(builder, cache);
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException("bin/virtuoso prepare failed; see " + work.resolve("prepare.log"));
        }
    }

    /** Wall time of a command that exits by itself, output discarded. */
    private double time(List<String> command, Path cache) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        withLauncherEnvironment(builder, cache);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " took over 120 s");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** The launcher runs this JVM and this jar, with a cache of the benchmark's own. */
    private void withLauncherEnvironment(ProcessBuilder builder, Path cache) {
        Map<String, String> environment = builder.environment();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("VIRTUOSO_JAR", jar.toString());
        environment.put("VIRTUOSO_CACHE_DIR", cache.toString());
        environment.remove("JAVA_OPTS");
    }

    private void awaitHealthy(Process server, int port, String name) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "server exited with " + server.exitValue() + "; see " + work.resolve(name + ".log"));
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (ConnectException | HttpTimeoutException ex) {
                // not listening yet, or too busy starting to answer within 5 s
            }
            // poll every 10 ms: fine enough for a 2-6 s start, and it leaves the CPU to the server
            LockSupport.parkNanos(POLL.toNanos());
        }
        throw new IllegalStateException("no 200 on port " + port + " within 180 s");
    }

    private static List<Integer> freePorts(int count) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            if (!ports.contains(port) && canBind(port)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

}
