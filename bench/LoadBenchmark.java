import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under load while its port handling works: N concurrent keep-alive connections on
 * GET /actuator/health for the whole run, the port monitor looking every 100 ms, reclaim on with
 * the fallback released 2 s after the primary is back, and a port holder that comes and goes.
 *
 * The holder (this program) binds the primary before the server starts, so the server falls back;
 * a sixth of the way in it lets go, the monitor reclaims the primary, the clients move to it, and
 * 2 s later the server closes the fallback; from then on the holder takes the freed fallback port
 * and lets it go again every 2 s. Prints requests, errors (non-200 and I/O failures) on each port,
 * p50 and p99 latency, the time from the holder letting go to the primary answering, and the
 * server's RSS: after the start, after a warm-up under the same load with the ports still (the
 * "before" the run is judged against: a JVM's heap and code cache grow under its first load, which
 * is not what this benchmark looks for), every 5 s during the run, and after it; and the heap in
 * use after a full GC after the start (before the warm-up) and after the run, which a leak would
 * grow whatever the JVM's sizing.
 *
 * Run after ./mvnw -q package -DskipTests:
 *   java bench/LoadBenchmark.java [seconds, default 30] [connections, default 64] [jar, default target/virtuoso.jar]
 *       [warm-up seconds, default 15]
 *
 * JVM options for the server come in the system property bench.jvm, split at spaces. RSS follows
 * the heap G1 commits, which it sizes to the load as it sees fit (from -12% to +22% over a run
 * here, with the heap in use after a full GC not growing); to see what the server itself keeps,
 * hold the heap still:
 *   java -Dbench.jvm="-Xms256m -Xmx256m -XX:+AlwaysPreTouch" bench/LoadBenchmark.java
 *
 * Loopback only, on ports picked at run time below the ephemeral range; bounded in time.
 */
public class LoadBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final Duration HOLDER_PERIOD = Duration.ofSeconds(2);

    public static void main(String[] args) throws Exception {
        Duration duration = Duration.ofSeconds((args.length > 0) ? Integer.parseInt(args[0]) : 30);
        int connections = (args.length > 1) ? Integer.parseInt(args[1]) : 64;
        Path jar = Path.of((args.length > 2) ? args[2] : "target/virtuoso.jar").toAbsolutePath();
        Duration warmUp = Duration.ofSeconds((args.length > 3) ? Integer.parseInt(args[3]) : 15);
        if (!Files.isRegularFile(jar)) {
            System.err.println("No jar at " + jar + ": run ./mvnw -q package -DskipTests first");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("virtuoso-load");
        Path log = work.resolve("server.log");
        int primary = freePort();
        int fallback = freePort(primary);
        ServerSocket holder = bind(primary);
        List<String> command = java();
        command.addAll(List.of("-jar", jar.toString(), "--web_server.host=127.0.0.1",
                "--web_server.port=" + primary, "--web_server.fallback_ports=" + fallback,
                "--web_server.monitor.interval=100ms", "--web_server.reclaim=true",
                "--web_server.reclaim_release_fallback_after=2s", "--web_server.state_dir=" + work.resolve("state"),
                // on a machine that carries /.dockerenv, a server on its fallback would report itself not ready
                "--web_server.in_container=false"));
        Process server = new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        try {
            awaitHealthy(server, fallback, log);
            long rssStarted = rssKiB(server.pid());
            // before the warm-up: the full GC shrinks the heap, which the warm-up then grows back to its size under load
            long liveBefore = liveHeapKiB(server.pid());
            System.out.printf("server PID %d on fallback %d (primary %d held), %d connections, "
                    + "monitor 100 ms, reclaim on, fallback released 2 s after%n", server.pid(), fallback, primary,
                    connections);
            // the same load with the ports still: what a warm server weighs, against which the run is judged
            AtomicInteger target = new AtomicInteger(fallback);
            Clients warming = Clients.start(connections, target, warmUp);
            warming.results();
            long rssBefore = rssKiB(server.pid());
            System.out.printf("warm-up: %d s of the same load, ports still%n", warmUp.toSeconds());

            long start = System.nanoTime();
            long end = start + duration.toNanos();
            List<String> rssSamples = new CopyOnWriteArrayList<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> rssSamples.add(
                    ((System.nanoTime() - start) / 1_000_000_000) + " s: " + rssKiB(server.pid()) / 1024 + " MiB"), 0,
                    5, TimeUnit.SECONDS);
            Clients clients = Clients.start(connections, target, duration);
            try {
                // the holder comes and goes while the clients run
                LockSupport.parkNanos(duration.dividedBy(6).toNanos());
                holder.close();
                long released = System.nanoTime();
                boolean reclaimed = awaitAccepting(primary, end);
                long reclaimMillis = (System.nanoTime() - released) / 1_000_000;
                if (reclaimed) {
                    target.set(primary);
                    System.out.printf("primary answering %d ms after the holder let go%n", reclaimMillis);
                }
                else {
                    System.out.println("primary NOT reclaimed before the end of the run; see " + log);
                }
                int cycles = holderComesAndGoes(fallback, end);
                System.out.printf("holder took and released the freed fallback %d times%n", cycles);
                report(clients.results(), System.nanoTime() - start, primary, fallback);
            }
            finally {
                sampler.shutdownNow();
            }
            long rssAfter = rssKiB(server.pid());
            long liveAfter = liveHeapKiB(server.pid());
            System.out.printf("server RSS: %d MiB started, %d MiB warm (before the run), %d MiB after (%+.1f%%; "
                    + "goal < 10%%)%n", rssStarted / 1024, rssBefore / 1024, rssAfter / 1024,
                    100.0 * (rssAfter - rssBefore) / rssBefore);
            System.out.println("RSS during the run: " + String.join(", ", rssSamples));
            // RSS also grows as the JVM sizes its heap to the load; what the server keeps is what a full GC leaves
            System.out.printf("heap in use after a full GC: %d MiB after the start, %d MiB after the run (%+.1f%%)%n",
                    liveBefore / 1024, liveAfter / 1024, 100.0 * (liveAfter - liveBefore) / liveBefore);
        }
        finally {
            holder.close();
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /** {@code connections} clients, each a request after another to whichever port the server is on. */
    record Clients(ExecutorService threads, List<Future<ClientResult>> perThread) {

        static Clients start(int connections, AtomicInteger target, Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            ExecutorService threads = Executors.newFixedThreadPool(connections);
            List<Future<ClientResult>> perThread = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                perThread.add(threads.submit(() -> loop(target, end)));
            }
            return new Clients(threads, perThread);
        }

        /** Waits for every client to finish. */
        List<ClientResult> results() throws Exception {
            try {
                List<ClientResult> results = new ArrayList<>();
                for (Future<ClientResult> future : perThread) {
                    results.add(future.get());
                }
                return results;
            }
            finally {
                threads.shutdownNow();
            }
        }

    }

    /** What one client saw: the latency of each request, and the failed requests by port. */
    record ClientResult(long[] latencies, Map<Integer, Long> errorsByPort) {
    }

    /** One client: a request after another, to whichever port the server is on, until {@code end}. */
    private static ClientResult loop(AtomicInteger target, long end) {
        long[] latencies = new long[1024];
        int count = 0;
        Map<Integer, Long> errors = new TreeMap<>();
        while (System.nanoTime() < end) {
            int port = target.get();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(10))
                .build();
            long sent = System.nanoTime();
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    errors.merge(port, 1L, Long::sum);
                }
            }
            catch (IOException ex) {
                errors.merge(port, 1L, Long::sum);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = System.nanoTime() - sent;
        }
        return new ClientResult(Arrays.copyOf(latencies, count), errors);
    }

    /** Once the server has closed the fallback: bind it for 2 s, free it for 2 s, until {@code end}. */
    private static int holderComesAndGoes(int port, long end) {
        int cycles = 0;
        while (System.nanoTime() < end) {
            try (ServerSocket taken = bind(port)) {
                cycles++;
                LockSupport.parkNanos(Math.min(HOLDER_PERIOD.toNanos(), Math.max(0, end - System.nanoTime())));
            }
            catch (IOException ex) {
                // the server still listens there: look again shortly
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            LockSupport.parkNanos(Math.min(HOLDER_PERIOD.toNanos(), Math.max(0, end - System.nanoTime())));
        }
        return cycles;
    }

    private static void report(List<ClientResult> perThread, long nanos, int primary, int fallback) {
        long[] all = perThread.stream().flatMapToLong((client) -> Arrays.stream(client.latencies())).sorted().toArray();
        Map<Integer, Long> errors = new TreeMap<>();
        perThread.forEach((client) -> client.errorsByPort().forEach((port, count) -> errors.merge(port, count, Long::sum)));
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("%d requests, %d errors, %.0f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", all.length,
                failed, (all.length - failed) / (nanos / 1e9), percentile(all, 0.50), percentile(all, 0.99),
                (all.length == 0) ? 0 : all[all.length - 1] / 1e6);
        System.out.printf("errors on the primary %d, which stays open once reclaimed (goal 0): %d; "
                + "on the fallback %d, which the server closes: %d%n", primary, errors.getOrDefault(primary, 0L),
                fallback, errors.getOrDefault(fallback, 0L));
    }

    private static double percentile(long[] sorted, double fraction) {
        return (sorted.length == 0) ? 0 : sorted[(int) Math.min(sorted.length - 1, sorted.length * fraction)] / 1e6;
    }

    private static boolean awaitAccepting(int port, long end) {
        while (System.nanoTime() < end) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1000);
                return true;
            }
            catch (IOException ex) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        return false;
    }

    private static void awaitHealthy(Process server, int port, Path log) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
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
            catch (ConnectException | HttpTimeoutException ex) {
                // not listening yet, or too busy starting to answer
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("no 200 on port " + port + " within 120 s; see " + log);
    }

    /** VmRSS from /proc, in KiB. */
    private static long rssKiB(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))
            .stream()
            .filter((line) -> line.startsWith("VmRSS:"))
                .mapToLong((line) -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst()
                .orElse(-1);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The heap in use after a full GC (jcmd GC.run, then GC.heap_info), in KiB. */
    private static long liveHeapKiB(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no heap size in jcmd's GC.heap_info for " + pid);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
        String output = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return socket;
        }
        catch (IOException ex) {
            socket.close();
            throw ex;
        }
    }

    /** The java launcher with the server's options from bench.jvm, split at spaces. */
    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getProperty("bench.jvm", "").trim();
        if (!options.isEmpty()) {
            command.addAll(Arrays.asList(options.split(" +")));
        }
        return command;
    }

    private static int freePort(int... except) throws IOException {
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            if (Arrays.stream(except).anyMatch((taken) -> taken == port)) {
                continue;
            }
            try (ServerSocket socket = bind(port)) {
                return port;
            }
            catch (IOException ex) {
                // taken: pick another
            }
        }
    }

}
