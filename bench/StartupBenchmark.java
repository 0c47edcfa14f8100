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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Launch to first HTTP 200 on /actuator/health, interleaved so that every case sees the same
 * machine:
 * <ul>
 * <li>Virtuoso with the primary port free, and with the primary and three fallbacks taken: the
 * port conflicts should cost under 3% of a start;</li>
 * <li>a plain Spring Boot app with Virtuoso's starters and libraries and none of its code
 * (bench/same-starters): Virtuoso's own code should cost under 5% (ratio virtuoso/same-starters
 * at most 1.05);</li>
 * <li>a plain webmvc + actuator app (bench/baseline): what the libraries beyond those cost
 * (ratio same-starters/bare), and each one alone, from the same-starters variants built without
 * it (same-starters-without-security.jar and so on) when they are there.</li>
 * </ul>
 * Each launch is measured twice: wall time, and the CPU time the process has used when the first
 * 200 arrives (user + system, all its threads). On a machine shared with other work the wall time
 * follows what the rest of the machine does; the CPU time far less. One extra launch of each app
 * before the timed ones (it also warms the page cache) logs the classes it loads, counted per jar.
 *
 * Run after building the three apps:
 *   ./mvnw -q package -DskipTests
 *   ./mvnw -q -f bench/same-starters/pom.xml package
 *   ./mvnw -q -f bench/baseline/pom.xml package
 *   java bench/StartupBenchmark.java [runs per case, default 8] [jar, default target/virtuoso.jar] [earlier jar]
 * With -Dbench.zookeeper=HOST:PORT (a running ZooKeeper), Virtuoso with service discovery on is
 * interleaved too, and the ratio discovery on/off is printed; the registration itself runs after
 * the first 200, on a thread of its own.
 * An earlier Virtuoso jar (e.g. one built from an earlier commit) is interleaved too, and the ratio
 * jar/earlier is printed: what a change costs at start-up.
 *
 * Binds 127.0.0.1 only, on ports picked at run time below the ephemeral range.
 */
public class StartupBenchmark {

    private static final Duration POLL = Duration.ofMillis(10);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final Path SAME_STARTERS = Path.of("bench/same-starters/target/same-starters.jar");

    private static final Path BARE = Path.of("bench/baseline/target/baseline.jar");

    private static final Pattern NESTED_JAR = Pattern.compile("source: jar:nested:.*!BOOT-INF/lib/(.*)\\.jar!/");

    /** One app: a Virtuoso jar takes web_server settings, a plain app Spring Boot's. */
    record App(String name, Path jar, boolean virtuoso) {
    }

    /**
     * One timed case: an app, with or without the primary port and three fallbacks taken, and
     * with arguments of its own.
     */
    record Case(String name, App app, boolean conflicts, List<String> arguments) {

        Case(String name, App app, boolean conflicts) {
            this(name, app, conflicts, List.of());
        }

    }

    /** Launch to first 200: wall time, and the CPU time the server had used by then. */
    record Launch(double wallMillis, double cpuMillis) {
    }

    public static void main(String[] args) throws Exception {
        int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 8;
        App virtuoso = new App("virtuoso", Path.of((args.length > 1) ? args[1] : "target/virtuoso.jar"), true);
        App earlier = (args.length > 2) ? new App("earlier", Path.of(args[2]), true) : null;
        App same = new App("same-starters", SAME_STARTERS, false);
        App bare = new App("bare", BARE, false);
        List<App> variants = variants();
        List<App> apps = new ArrayList<>(List.of(virtuoso, same, bare));
        if (earlier != null) {
            apps.add(1, earlier);
        }
        apps.addAll(variants);
        for (App app : apps) {
            if (!Files.isRegularFile(app.jar())) {
                System.err.println("No jar at " + app.jar().toAbsolutePath() + ": build the apps first: "
                        + "./mvnw -q package -DskipTests && ./mvnw -q -f bench/same-starters/pom.xml package && "
                        + "./mvnw -q -f bench/baseline/pom.xml package");
                System.exit(2);
            }
        }
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("virtuoso", virtuoso, false));
        cases.add(new Case("virtuoso, 3 conflicts", virtuoso, true));
        String zooKeeper = System.getProperty("bench.zookeeper");
        if (zooKeeper != null) {
            cases.add(new Case("virtuoso, discovery on", virtuoso, false,
                    List.of("--spring.cloud.zookeeper.connect-string=" + zooKeeper,
                            "--spring.cloud.zookeeper.discovery.enabled=true")));
        }
        for (App app : apps.subList(1, apps.size())) {
            cases.add(new Case(app.name(), app, false));
        }

        Path work = Files.createTempDirectory("virtuoso-bench");
        System.out.printf("%d runs per case, interleaved (the order turns each round), after one launch of each "
                + "app that counts the classes it loads%n", runs);
        Map<String, Map<String, Integer>> classes = new LinkedHashMap<>();
        for (App app : apps) {
            System.out.printf("  %-28s %s%n", app.name(), app.jar());
            classes.put(app.name(), countClasses(app, work));
        }
        Map<String, List<Launch>> launches = new LinkedHashMap<>();
        cases.forEach((c) -> launches.put(c.name(), new ArrayList<>()));
        for (int i = 0; i < runs; i++) {
            List<Case> order = new ArrayList<>(cases);
            Collections.rotate(order, -i);
            for (Case c : order) {
                launches.get(c.name()).add(launch(c.app(), work, c.conflicts(), c.arguments(), null));
            }
            StringBuilder line = new StringBuilder(String.format("run %2d:", i + 1));
            for (Case c : cases) {
                Launch last = launches.get(c.name()).get(i);
                line.append(String.format("  %s %.0f/%.0f", c.name(), last.wallMillis(), last.cpuMillis()));
            }
            System.out.println(line + "  (wall/cpu ms)");
        }

        System.out.println();
        System.out.printf("%-36s %9s %9s %9s%n", "median launch -> first 200", "wall ms", "cpu ms", "classes");
        for (Case c : cases) {
            System.out.printf("%-36s %9.0f %9.0f %9s%n", c.name(), wall(launches, c.name()), cpu(launches, c.name()),
                    (c.conflicts() || !c.arguments().isEmpty()) ? "" : total(classes.get(c.app().name())));
        }
        System.out.println();
        ratio("virtuoso/same-starters (Virtuoso's own code; goal <= 1.05)", launches, classes, "virtuoso",
                "same-starters");
        ratio("same-starters/bare (the libraries beyond webmvc + actuator)", launches, classes, "same-starters",
                "bare");
        ratio("virtuoso/bare", launches, classes, "virtuoso", "bare");
        ratio("conflicts/free (goal < 1.03)", launches, classes, "virtuoso, 3 conflicts", "virtuoso");
        if (launches.containsKey("virtuoso, discovery on")) {
            ratio("discovery on/off", launches, classes, "virtuoso, discovery on", "virtuoso");
        }
        if (earlier != null) {
            ratio("virtuoso/earlier jar", launches, classes, "virtuoso", "earlier");
        }
        if (!variants.isEmpty()) {
            System.out.println();
            System.out.printf("%-36s %9s %9s %9s%n", "each library's cost (same-starters", "wall ms", "cpu ms",
                    "classes");
            System.out.printf("%-36s%n", "  minus the variant without it)");
            for (App variant : variants) {
                String library = variant.name().substring("same-starters-without-".length());
                System.out.printf("%-36s %+9.0f %+9.0f %+9d%n", "  " + library,
                        wall(launches, "same-starters") - wall(launches, variant.name()),
                        cpu(launches, "same-starters") - cpu(launches, variant.name()),
                        total(classes.get("same-starters")) - total(classes.get(variant.name())));
            }
        }
        System.out.println();
        System.out.println("classes loaded from jars that bare does not have (same-starters):");
        classes.get("same-starters").entrySet().stream()
            .filter((entry) -> entry.getKey().endsWith(".jar") && !classes.get("bare").containsKey(entry.getKey()))
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .forEach((entry) -> System.out.printf("  %5d %s%n", entry.getValue(), entry.getKey()));
        System.out.println("classes loaded, virtuoso minus same-starters, by where they come from:");
        Map<String, Integer> ours = classes.get("virtuoso");
        Map<String, Integer> theirs = classes.get("same-starters");
        Map<String, Integer> difference = new TreeMap<>();
        ours.forEach((source, count) -> difference.merge(source, count, Integer::sum));
        theirs.forEach((source, count) -> difference.merge(source, -count, Integer::sum));
        difference.entrySet().stream()
            .filter((entry) -> entry.getValue() != 0)
            .sorted((a, b) -> Integer.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
            .limit(12)
            .forEach((entry) -> System.out.printf("  %+5d %s%n", entry.getValue(), entry.getKey()));
    }

    /** The same-starters variants that were built, each without one library. */
    private static List<App> variants() throws IOException {
        List<App> variants = new ArrayList<>();
        Path directory = SAME_STARTERS.getParent();
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(directory, "same-starters-without-*.jar")) {
                jars.forEach((jar) -> variants
                    .add(new App(jar.getFileName().toString().replace(".jar", ""), jar, false)));
            }
        }
        variants.sort((a, b) -> a.name().compareTo(b.name()));
        return variants;
    }

    /** One launch with -Xlog:class+load: the classes it has loaded by its first 200, per jar. */
    private static Map<String, Integer> countClasses(App app, Path work) throws Exception {
        Path log = work.resolve(app.name() + "-classes.log");
        launch(app, work, false, List.of(), log);
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : Files.readAllLines(log)) {
            int source = line.indexOf(" source: ");
            if (source < 0) {
                continue;
            }
            Matcher nested = NESTED_JAR.matcher(line);
            String from = nested.find() ? nested.group(1) + ".jar"
                    : line.contains("!BOOT-INF/classes") ? "the app's own classes"
                    : (line.contains("source: jrt:") || line.contains("source: shared objects file")) ? "the JDK"
                    : "generated (lambdas, proxies, CGLIB)";
            counts.merge(from.replaceAll("-[0-9][^-]*(\\.Final)?\\.jar$", ".jar"), 1, Integer::sum);
        }
        return counts;
    }

    /** Milliseconds from launch to the first 200 on /actuator/health, and the server's CPU time then. */
    private static Launch launch(App app, Path work, boolean withConflicts, List<String> arguments, Path classLog)
            throws Exception {
        List<Integer> ports = freePorts(5);
        List<ServerSocket> held = new ArrayList<>();
        if (withConflicts) {
            for (int port : ports.subList(0, 4)) {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                held.add(socket);
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Path classLogSoFar = work.resolve("class-load.log");
        if (classLog != null) {
            command.add("-Xlog:class+load=info:file=" + classLogSoFar);
        }
        command.addAll(List.of("-jar", app.jar().toAbsolutePath().toString()));
        if (app.virtuoso()) {
            String fallbacks = ports.subList(1, 5).toString().replaceAll("[\\[\\] ]", "");
            command.addAll(List.of("--web_server.host=127.0.0.1", "--web_server.port=" + ports.get(0),
                    "--web_server.fallback_ports=" + fallbacks, "--web_server.state_dir=" + work.resolve("state"),
                    "--web_server.access_log=false"));
            command.addAll(notInAContainer(app.jar()));
        }
        else {
            command.addAll(List.of("--server.address=127.0.0.1", "--server.port=" + ports.get(0)));
        }
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("last-run.log").toFile());
        int expectedPort = withConflicts ? ports.get(4) : ports.get(0);
        long start = System.nanoTime();
        Process server = builder.start();
        try {
            awaitHealthy(server, expectedPort);
            double wall = (System.nanoTime() - start) / 1e6;
            double cpu = server.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            if (classLog != null) {
                // what it loaded to answer, not what it loads as it shuts down
                Files.copy(classLogSoFar, classLog);
            }
            return new Launch(wall, cpu);
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
        // the first request sets up Spring MVC: on a loaded machine it may take many seconds, and it counts
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(60))
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

    private static void ratio(String label, Map<String, List<Launch>> launches, Map<String, Map<String, Integer>> classes,
            String ours, String theirs) {
        Map<String, Integer> ourClasses = classes.get(ours);
        Map<String, Integer> theirClasses = classes.get(theirs);
        String classRatio = (ourClasses != null && theirClasses != null)
                ? String.format(", classes %.3f", (double) total(ourClasses) / total(theirClasses)) : "";
        System.out.printf("ratio %s: wall %.3f, cpu %.3f%s%n", label, wall(launches, ours) / wall(launches, theirs),
                cpu(launches, ours) / cpu(launches, theirs), classRatio);
    }

    private static double wall(Map<String, List<Launch>> launches, String name) {
        return median(launches.get(name).stream().map(Launch::wallMillis).toList());
    }

    private static double cpu(Map<String, List<Launch>> launches, String name) {
        return median(launches.get(name).stream().map(Launch::cpuMillis).toList());
    }

    private static int total(Map<String, Integer> classes) {
        return classes.values().stream().mapToInt(Integer::intValue).sum();
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

    /**
     * {@code --web_server.in_container=false} for a jar that knows the key, nothing for an older
     * one (which would refuse it): on a machine that carries /.dockerenv a server that fell back
     * would otherwise report itself not ready, and never answer health with 200.
     */
    static List<String> notInAContainer(Path jar) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            var metadata = zip.getEntry("META-INF/spring-configuration-metadata.json");
            if (metadata != null && new String(zip.getInputStream(metadata).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8).contains("\"web-server.in-container\"")) {
                return List.of("--web_server.in_container=false");
            }
        }
        catch (IOException ex) {
            // an unreadable jar fails at launch, saying so
        }
        return List.of();
    }

}
