import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * issue measured it. Prints each round, then the ratio virtuoso/baseline of the medians (goal: at
 * least 0.90).
 *
 * The load generator shares the machine with the servers, and other work may run on it too, so
 * requests per second wander with what the rest of the machine does. Hence:
 * <ul>
 * <li>Both servers run at once in a round, but only one takes load at any time: the load moves
 * from one to the other every 2 s, so that both see the same machine, also when other work comes
 * and goes, and each round launches both anew.</li>
 * <li>Each run also reports the server's CPU time per request (utime + stime of the process from
 * /proc/PID/stat, read just before and after each of its slices of load; also without its JIT
 * compiler threads), which depends far less on the rest of the machine than requests per second;
 * the program prints the ratio baseline/virtuoso of the medians, goal at least 0.90 in the same
 * sense.</li>
 * <li>Before the measurement, both get load in turn until the JIT compiler has settled in each
 * (its threads used less than 5% of the server's CPU in its last slice), and for at least a third
 * of the measured time, 2 minutes at most each: on a busy machine a fixed warm-up ends with much
 * of the code still interpreted or compiled by C1, which costs several times the CPU per
 * request.</li>
 * </ul>
 *
 * Run after ./mvnw -q package -DskipTests && ./mvnw -q -f bench/baseline/pom.xml package:
 *   java bench/ThroughputBenchmark.java [seconds each, default 30] [connections, default 64] [rounds, default 3]
 *       [jar, default target/virtuoso.jar] [baseline jar, default bench/baseline/target/baseline.jar]
 *       [Virtuoso settings, e.g. --web_server.access_log=false, to see what one costs]
 * The access logs go to files in a temporary directory, as stdout redirected by a service manager
 * would. JVM options for both servers (to profile them, say) come in the system property
 * bench.jvm, split at spaces; %s in it becomes "virtuoso" or "baseline" and the round:
 *   java -Dbench.jvm=-XX:StartFlightRecording=filename=/tmp/%s.jfr bench/ThroughputBenchmark.java 20 64 1
 *
 * Loopback only, on ports picked at run time below the ephemeral range; bounded in time.
 */
public class ThroughputBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** How long one server takes load before the other does. */
    private static final Duration SLICE = Duration.ofSeconds(2);

    private static final Duration MAX_WARM_UP = Duration.ofMinutes(2);

    private static final double MAX_COMPILATION_SHARE = 0.05;

    /** Clock ticks a second, the unit of the CPU times in /proc/PID/stat. */
    private static final long CLOCK_TICKS = clockTicks();

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
        System.out.printf("GET /actuator/health, %d connections, %d s measured each in slices of %d s taken in turn, "
                + "after at least %d s of warm-up each, %d rounds%n", connections, measured.toSeconds(),
                SLICE.toSeconds(), warmUp.toSeconds(), rounds);
        List<Result> virtuoso = new ArrayList<>();
        List<Result> plain = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Path roundWork = Files.createDirectories(work.resolve("round-" + round));
            List<Server> servers = List.of(
                    new Server("virtuoso", virtuosoCommand(jar, roundWork, settings, "virtuoso-" + round)),
                    new Server("baseline", baselineCommand(baseline, roundWork, "baseline-" + round)));
            Map<String, Result> results = runInTurn(servers, roundWork, connections, warmUp, measured);
            Result ours = results.get("virtuoso");
            Result theirs = results.get("baseline");
            virtuoso.add(ours);
            plain.add(theirs);
            System.out.printf("round %d: virtuoso %s%n         baseline %s%n", round, ours, theirs);
        }
        double oursPerSecond = median(virtuoso.stream().map(Result::perSecond).toList());
        double theirsPerSecond = median(plain.stream().map(Result::perSecond).toList());
        System.out.printf("median requests/s: virtuoso %.0f, baseline %.0f; ratio %.3f (goal >= 0.90)%n",
                oursPerSecond, theirsPerSecond, oursPerSecond / theirsPerSecond);
        double oursCpu = median(virtuoso.stream().map(Result::cpuMicrosPerRequest).toList());
        double theirsCpu = median(plain.stream().map(Result::cpuMicrosPerRequest).toList());
        System.out.printf("median server CPU per request: virtuoso %.0f us, baseline %.0f us; ratio baseline/virtuoso "
                + "%.3f (goal >= 0.90)%n", oursCpu, theirsCpu, theirsCpu / oursCpu);
        double oursServing = median(virtuoso.stream().map(Result::cpuMicrosPerRequestBeyondCompilation).toList());
        double theirsServing = median(plain.stream().map(Result::cpuMicrosPerRequestBeyondCompilation).toList());
        System.out.printf("the same without JIT compilation: virtuoso %.0f us, baseline %.0f us; ratio %.3f%n",
                oursServing, theirsServing, theirsServing / oursServing);
    }

    private static List<String> virtuosoCommand(Path jar, Path work, List<String> settings, String name) {
        // shipped defaults but for where it listens and keeps its state, and the settings asked for
        List<String> command = new ArrayList<>(java(name));
        command.addAll(List.of("-jar", jar.toString(), "--web_server.host=127.0.0.1", "--web_server.port=%d",
                "--web_server.state_dir=" + work.resolve("state")));
        command.addAll(settings);
        return command;
    }

    /** As the issue measured it: Tomcat's access log on (its own buffered file) and health details shown. */
    private static List<String> baselineCommand(Path baseline, Path work, String name) {
        List<String> command = new ArrayList<>(java(name));
        command.addAll(List.of("-jar", baseline.toString(), "--server.address=127.0.0.1", "--server.port=%d",
                "--server.tomcat.accesslog.enabled=true", "--server.tomcat.basedir=" + work.resolve("baseline-tomcat"),
                "--management.endpoint.health.show-details=always"));
        return command;
    }

    /** A server to launch: its name and its command, where %d stands for the port. */
    record Server(String name, List<String> command) {
    }

    /**
     * Launches every server (one after the other), warms them up, then gives each {@code measured}
     * of load in slices taken in turn; stops them all.
     */
    static Map<String, Result> runInTurn(List<Server> servers, Path work, int connections, Duration warmUp,
            Duration measured) throws Exception {
        List<Running> running = new ArrayList<>();
        try {
            for (Server server : servers) {
                running.add(Running.start(server, work));
            }
            warmUp(running, connections, warmUp);
            Map<String, List<Result>> slices = new LinkedHashMap<>();
            long count = Math.max(1, measured.toMillis() / SLICE.toMillis());
            List<Running> backwards = new ArrayList<>(running);
            Collections.reverse(backwards);
            for (long slice = 0; slice < count; slice++) {
                // who goes first changes at each slice, so that none always follows another
                for (Running server : (slice % 2 == 0) ? running : backwards) {
                    slices.computeIfAbsent(server.name(), (name) -> new ArrayList<>())
                        .add(server.load(connections, SLICE));
                }
            }
            Map<String, Result> results = new LinkedHashMap<>();
            slices.forEach((name, parts) -> results.put(name, Result.sum(parts)));
            return results;
        }
        finally {
            for (Running server : running) {
                server.stop();
            }
        }
    }

    /**
     * Load in turn, a slice each, for at least {@code minimum} each, then until JIT compilation has
     * settled in every server; {@link #MAX_WARM_UP} each at most.
     */
    private static void warmUp(List<Running> servers, int connections, Duration minimum) throws Exception {
        Map<Running, Double> compiling = new LinkedHashMap<>();
        long slices = 0;
        long minimumSlices = Math.max(1, minimum.toMillis() / SLICE.toMillis());
        long maximumSlices = MAX_WARM_UP.toMillis() / SLICE.toMillis();
        while (slices < maximumSlices && (slices < minimumSlices
                || compiling.values().stream().anyMatch((share) -> share > MAX_COMPILATION_SHARE))) {
            for (Running server : servers) {
                CpuTime cpu = server.load(connections, SLICE).cpu();
                compiling.put(server, cpu.compilation() / (double) Math.max(1, cpu.total()));
            }
            slices++;
        }
        System.out.printf("  warm-up %d s each; JIT compilation in the last slice: %s%n", slices * SLICE.toSeconds(),
                compiling.entrySet()
                    .stream()
                    .map((entry) -> String.format("%s %.0f%%", entry.getKey().name(), entry.getValue() * 100))
                    .toList());
    }

    /** A launched server, listening. */
    record Running(String name, Process process, URI uri) {

        static Running start(Server server, Path work) throws Exception {
            int port = freePort();
            List<String> command = server.command()
                .stream()
                .map((part) -> part.replace("%d", Integer.toString(port)))
                .toList();
            Path log = work.resolve(server.name() + ".log");
            Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            Running running = new Running(server.name(), process,
                    URI.create("http://127.0.0.1:" + port + "/actuator/health"));
            try {
                awaitHealthy(process, running.uri(), log);
            }
            catch (Exception ex) {
                running.stop();
                throw ex;
            }
            return running;
        }

        /** One slice of load, with the CPU time the server used meanwhile. */
        Result load(int connections, Duration duration) throws Exception {
            CpuSample before = CpuSample.of(this.process.pid());
            Result result = ThroughputBenchmark.load(this.uri, connections, duration);
            return result.withCpu(before.until(CpuSample.of(this.process.pid())));
        }

        void stop() throws InterruptedException {
            this.process.destroy();
            if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor();
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

    /**
     * The CPU time a server process has used so far, in clock ticks: user and system time of the
     * whole process (/proc/PID/stat), and of each of its JIT compiler threads by thread id
     * (/proc/PID/task/TID/stat, named "C1 CompilerThre..." and "C2 CompilerThre...").
     */
    record CpuSample(long total, long system, Map<String, Long> compilerThreads) {

        static CpuSample of(long pid) throws IOException {
            Map<String, Long> compilerThreads = new HashMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    }
                    catch (NoSuchFileException ex) {
                        continue; // the thread ended while the directory was listed
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        compilerThreads.put(task.getFileName().toString(), ticks(stat));
                    }
                }
            }
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return new CpuSample(ticks(stat), systemTicks(stat), compilerThreads);
        }

        /** The ticks used between this sample and {@code later}: in all, and by JIT compilation. */
        CpuTime until(CpuSample later) {
            // a compiler thread started in between counts from 0; one that ended in between is lost
            long compilation = later.compilerThreads.entrySet()
                .stream()
                .mapToLong((thread) -> thread.getValue() - this.compilerThreads.getOrDefault(thread.getKey(), 0L))
                .sum();
            return new CpuTime(later.total - this.total, later.system - this.system, compilation);
        }

        /** utime and stime, fields 14 and 15 of a stat line. */
        private static long ticks(String stat) {
            // the name (field 2) may hold spaces and parentheses: count fields after its closing one
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }

        /** stime alone: the kernel's share (system calls: socket and log writes, locks). */
        private static long systemTicks(String stat) {
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]);
        }

    }

    /**
     * CPU time in clock ticks.
     *
     * @param total all the process used
     * @param system what the kernel used on its behalf (system calls), part of {@code total}
     * @param compilation what its JIT compiler threads used: still warming up, not serving requests
     */
    record CpuTime(long total, long system, long compilation) {

        static final CpuTime UNKNOWN = new CpuTime(-1, -1, -1);

    }

    /**
     * One measured phase, or several summed.
     *
     * @param latencies the latency of each request, in nanoseconds, sorted
     * @param cpu the server's user and system time in the phase
     */
    record Result(long requests, long errors, double seconds, long[] latencies, CpuTime cpu) {

        static Result of(List<long[]> perThread, long nanos) {
            long errors = perThread.stream().mapToLong((latencies) -> latencies[latencies.length - 1]).sum();
            long[] all = perThread.stream()
                .flatMapToLong((latencies) -> Arrays.stream(latencies, 0, latencies.length - 1))
                .sorted()
                .toArray();
            return new Result(all.length, errors, nanos / 1e9, all, CpuTime.UNKNOWN);
        }

        static Result sum(List<Result> parts) {
            return new Result(parts.stream().mapToLong(Result::requests).sum(),
                    parts.stream().mapToLong(Result::errors).sum(), parts.stream().mapToDouble(Result::seconds).sum(),
                    parts.stream().flatMapToLong((part) -> Arrays.stream(part.latencies())).sorted().toArray(),
                    new CpuTime(parts.stream().mapToLong((part) -> part.cpu().total()).sum(),
                            parts.stream().mapToLong((part) -> part.cpu().system()).sum(),
                            parts.stream().mapToLong((part) -> part.cpu().compilation()).sum()));
        }

        Result withCpu(CpuTime cpu) {
            return new Result(this.requests, this.errors, this.seconds, this.latencies, cpu);
        }

        /** Server CPU time per successful request, in microseconds. */
        double cpuMicrosPerRequest() {
            return microsPerRequest(this.cpu.total());
        }

        /** The kernel's part of it. */
        double systemMicrosPerRequest() {
            return microsPerRequest(this.cpu.system());
        }

        /** The same without JIT compilation. */
        double cpuMicrosPerRequestBeyondCompilation() {
            return microsPerRequest(this.cpu.total() - this.cpu.compilation());
        }

        private double microsPerRequest(long ticks) {
            return ticks * 1e6 / CLOCK_TICKS / Math.max(1, this.requests - this.errors);
        }

        /** How much of one core the server used. */
        double cores() {
            return this.cpu.total() / (double) CLOCK_TICKS / this.seconds;
        }

        double percentileMillis(double fraction) {
            return (this.latencies.length == 0) ? 0
                    : this.latencies[(int) Math.min(this.latencies.length - 1, this.latencies.length * fraction)] / 1e6;
        }

        double perSecond() {
            return (this.requests - this.errors) / this.seconds;
        }

        @Override
        public String toString() {
            return String.format("%8d requests, %d errors, %7.0f req/s, p50 %.1f ms, p99 %.1f ms, "
                    + "server CPU %5.0f us/request (%.2f cores; kernel %.0f us), %5.0f without JIT compilation",
                    this.requests, this.errors, perSecond(), percentileMillis(0.50), percentileMillis(0.99),
                    cpuMicrosPerRequest(), cores(), systemMicrosPerRequest(), cpuMicrosPerRequestBeyondCompilation());
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

    /** The java launcher with the options of bench.jvm, if any, for the server named {@code name}. */
    private static List<String> java(String name) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getProperty("bench.jvm", "").trim();
        if (!options.isEmpty()) {
            Arrays.stream(options.split(" +")).map((option) -> option.replace("%s", name)).forEach(command::add);
        }
        return command;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(getconf.getInputStream().readAllBytes()).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(output);
            }
        }
        catch (IOException | NumberFormatException ex) {
            System.err.println("getconf CLK_TCK failed (" + ex + "): assuming 100 ticks a second");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return 100;
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
