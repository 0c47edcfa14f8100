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
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Launch to first HTTP 200 on /actuator/health, with the primary port free and with the primary
 * and three fallbacks taken, interleaved so that both see the same machine. Prints the medians
 * and their ratio; the port conflicts should cost under 3% of a start.
 *
 * Run after ./mvnw -q package -DskipTests:
 *   java bench/StartupBenchmark.java [runs per case, default 8] [jar, default target/virtuoso.jar] [baseline jar]
 * With a baseline jar (e.g. one built from an earlier commit), its free-port launches are
 * interleaved too and the ratio jar/baseline is printed: what a change costs at start-up.
 *
 * Binds 127.0.0.1 only, on ports picked at run time below the ephemeral range.
 */
public class StartupBenchmark {

    private static final Duration POLL = Duration.ofMillis(10);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 8;
        Path jar = Path.of((args.length > 1) ? args[1] : "target/virtuoso.jar").toAbsolutePath();
        Path baseline = (args.length > 2) ? Path.of(args[2]).toAbsolutePath() : null;
        for (Path file : (baseline != null) ? List.of(jar, baseline) : List.of(jar)) {
            if (!Files.isRegularFile(file)) {
                System.err.println("No jar at " + file + ": run ./mvnw -q package -DskipTests first");
                System.exit(2);
            }
        }
        Path work = Files.createTempDirectory("virtuoso-bench");
        System.out.printf("jar %s, %d runs per case, interleaved, after one warm-up launch%n", jar, runs);
        launch(jar, work, false); // warm the page cache
        List<Double> free = new ArrayList<>();
        List<Double> conflicts = new ArrayList<>();
        List<Double> base = new ArrayList<>();
        if (baseline != null) {
            System.out.printf("baseline %s: the same launch with the primary free, interleaved%n", baseline);
            launch(baseline, work, false);
        }
        for (int i = 0; i < runs; i++) {
            free.add(launch(jar, work, false));
            conflicts.add(launch(jar, work, true));
            if (baseline != null) {
                base.add(launch(baseline, work, false));
                System.out.printf("run %2d: free %7.0f ms   3 conflicts %7.0f ms   baseline free %7.0f ms%n", i + 1,
                        free.get(i), conflicts.get(i), base.get(i));
            }
            else {
                System.out.printf("run %2d: free %7.0f ms   3 conflicts %7.0f ms%n", i + 1, free.get(i),
                        conflicts.get(i));
            }
        }
        double freeMedian = median(free);
        double conflictMedian = median(conflicts);
        System.out.printf("median launch -> first 200: primary free %.0f ms, primary + 3 fallbacks taken %.0f ms%n",
                freeMedian, conflictMedian);
        System.out.printf("ratio conflicts/free: %.3f (target < 1.030)%n", conflictMedian / freeMedian);
        if (baseline != null) {
            double baseMedian = median(base);
            System.out.printf("median baseline free %.0f ms; ratio jar/baseline: %.3f%n", baseMedian,
                    freeMedian / baseMedian);
        }
    }

    /** Milliseconds from launch to the first 200 on /actuator/health. */
    private static double launch(Path jar, Path work, boolean withConflicts) throws Exception {
        List<Integer> ports = freePorts(5);
        List<ServerSocket> held = new ArrayList<>();
        if (withConflicts) {
            for (int port : ports.subList(0, 4)) {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                held.add(socket);
            }
        }
        String fallbacks = ports.subList(1, 5).toString().replaceAll("[\\[\\] ]", "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString(), "--web_server.host=127.0.0.1",
                "--web_server.port=" + ports.get(0), "--web_server.fallback_ports=" + fallbacks,
                "--web_server.state_dir=" + work.resolve("state"), "--web_server.access_log=false")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("last-run.log").toFile());
        int expectedPort = withConflicts ? ports.get(4) : ports.get(0);
        long start = System.nanoTime();
        Process server = builder.start();
        try {
            awaitHealthy(server, expectedPort);
            return (System.nanoTime() - start) / 1e6;
        }
        finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    private static void awaitHealthy(Process server, int port) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue() + "; see last-run.log");
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (ConnectException ex) {
                // not listening yet
            }
            // poll every 10 ms: fine enough for a 5 s start, and it leaves the CPU to the server
            LockSupport.parkNanos(POLL.toNanos());
        }
        throw new IllegalStateException("no 200 on port " + port + " within 120 s");
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
