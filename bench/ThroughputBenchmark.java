import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Requests per second on GET /actuator/health under N concurrent keep-alive connections: the
 * Virtuoso jar with its shipped defaults (access log on) against a plain Spring Boot 4.0.7
 * webmvc + actuator app (bench/baseline) with Tomcat's access log on and health details shown, as the
 * issue measured it, launched in turn, never at the same time, so both see
 * the same machine. Prints each run, then the ratio virtuoso/baseline of the medians (goal: at
 * least 0.90).
 *
 * Run after ./mvnw -q package -DskipTests && ./mvnw -q -f bench/baseline/pom.xml package:
 *   java bench/ThroughputBenchmark.java [seconds, default 30] [connections, default 64] [rounds, default 3]
 *       [jar, default target/virtuoso.jar] [baseline jar, default bench/baseline/target/baseline.jar]
 *       [Virtuoso settings, e.g. --web_server.access_log=false, to see what one costs]
 * Each launch gets a warm-up of a third of the measured time first. The access log goes to a
 * file in a temporary directory, as stdout redirected by a service manager would.
 *
 * Loopback only, on ports picked at run time below the ephemeral range; bounded in time.
 */
public class ThroughputBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        Duration measured = Duration.ofSeconds((args.length > 0) ? Integer.parseInt(args[0]) : 30);
        int connections = (args.length > 1) ? Integer.parseInt(args[1]) : 64;
        int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
        Path jar = Path.of((args.length > 3) ? args[3] : "target/virtuoso.jar").toAbsolutePath();
        Path baseline = Path.of((args.length > 4) ? args[4] : "bench/baseline/target/baseline.jar").toAbsolutePath();
        // anything after that goes to Virtuoso, to see what a setting costs: --web_server.access_log=false
        List<String> settings = (args.length > 5) ? List.of(args).subList(5, args.length) : List.of();
        for (Path file : List.of(jar, baseline)) {
            if (!Files.isRegularFile(file)) {
                System.err.println("No jar at " + file + ": run ./mvnw -q package -DskipTests && "
                        + "./mvnw -q -f bench/baseline/pom.xml package first");
                System.exit(2);
            }
        }
        Path work = Files.createTempDirectory("virtuoso-throughput");
        Duration warmUp = measured.dividedBy(3);
        System.out.printf("GET /actuator/health, %d connections, %d s measured after %d s warm-up, %d rounds%n",
                connections, measured.toSeconds(), warmUp.toSeconds(), rounds);
        List<Double> virtuoso = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Result ours = run(virtuosoCommand(jar, work, settings), work, connections, warmUp, measured);
            Result theirs = run(baselineCommand(baseline, work), work, connections, warmUp, measured);
            virtuoso.add(ours.perSecond());
            plain.add(theirs.perSecond());
            System.out.printf("round %d: virtuoso %s%n         baseline %s%n", round, ours, theirs);
        }
        double ratio = median(virtuoso) / median(plain);
        System.out.printf("median requests/s: virtuoso %.0f, baseline %.0f; ratio %.3f (goal >= 0.90)%n",
                median(virtuoso), median(plain), ratio);
    }

    private static List<String> virtuosoCommand(Path jar, Path work, List<String> settings) {
        // shipped defaults but for where it listens and keeps its state, and the settings asked for
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString(), "--web_server.host=127.0.0.1",
                "--web_server.port=%d", "--web_server.state_dir=" + work.resolve("state")));
        command.addAll(settings);
        return command;
    }

    /** As the issue measured it: Tomcat's access log on (its own buffered file) and health details shown. */
    private static List<String> baselineCommand(Path baseline, Path work) {
        return List.of(java(), "-jar", baseline.toString(), "--server.address=127.0.0.1", "--server.port=%d",
                "--server.tomcat.accesslog.enabled=true", "--server.tomcat.basedir=" + work.resolve("baseline-tomcat"),
                "--management.endpoint.health.show-details=always");
    }

    private static Result run(List<String> template, Path work, int connections, Duration warmUp, Duration measured)
            throws Exception {
        int port = freePort();
        List<String> command = template.stream().map((part) -> part.replace("%d", Integer.toString(port))).toList();
        Path log = work.resolve("server.log");
        Process server = new ProcessBuilder(command).directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + port + "/actuator/health");
            awaitHealthy(server, uri, log);
            load(uri, connections, warmUp);
            return load(uri, connections, measured);
        }
        finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /** {@code connections} threads, each sending one request after another, for {@code duration}. */
    static Result load(URI uri, int connections, Duration duration) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try {
            List<Future<long[]>> perThread = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                perThread.add(threads.submit(() -> {
                    long[] latencies = new long[1024];
                    int count = 0;
                    long errors = 0;
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        try {
                            if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                                errors++;
                            }
                        }
                        catch (IOException ex) {
                            errors++;
                        }
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = System.nanoTime() - sent;
                    }
                    long[] result = Arrays.copyOf(latencies, count + 1);
                    result[count] = errors; // the last slot carries the error count
                    return result;
                }));
            }
            List<long[]> results = new ArrayList<>();
            for (Future<long[]> future : perThread) {
                results.add(future.get());
            }
            return Result.of(results, System.nanoTime() - start);
        }
        finally {
            threads.shutdownNow();
        }
    }

    record Result(long requests, long errors, double seconds, double p50Millis, double p99Millis) {

        static Result of(List<long[]> perThread, long nanos) {
            long errors = perThread.stream().mapToLong((latencies) -> latencies[latencies.length - 1]).sum();
            long[] all = perThread.stream()
                .flatMapToLong((latencies) -> Arrays.stream(latencies, 0, latencies.length - 1))
                .sorted()
                .toArray();
            return new Result(all.length, errors, nanos / 1e9, percentile(all, 0.50), percentile(all, 0.99));
        }

        private static double percentile(long[] sorted, double fraction) {
            return (sorted.length == 0) ? 0 : sorted[(int) Math.min(sorted.length - 1, sorted.length * fraction)] / 1e6;
        }

        double perSecond() {
            return (this.requests - this.errors) / this.seconds;
        }

        @Override
        public String toString() {
            return String.format("%8d requests, %d errors, %7.0f req/s, p50 %.1f ms, p99 %.1f ms", this.requests,
                    this.errors, perSecond(), this.p50Millis, this.p99Millis);
        }

    }

    private static void awaitHealthy(Process server, URI uri, Path log) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (ConnectException ex) {
                // not listening yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("no 200 from " + uri + " within 120 s; see " + log);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                return port;
            }
            catch (IOException ex) {
                // taken: pick another
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

}
