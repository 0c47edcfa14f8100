import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.virtuoso.ports.PortHolderLookup;

/**
 * How fast the port manager answers, against ss and lsof measured in the same run:
 * 1. wall time of `java -jar target/virtuoso.jar ports check PORT` (a port held by this benchmark),
 *    of `ss -ltnp 'sport = :PORT'` and of `lsof -nP -iTCP:PORT -sTCP:LISTEN`, interleaved;
 * 2. the holder lookup inside a warm JVM, against the same ss command.
 * Prints medians and ratios. Targets: check under 150 ms; the lookup no slower than ss.
 *
 * Run after ./mvnw -q package -DskipTests:
 *   java -cp target/classes bench/PortsCliBenchmark.java [runs, default 20]
 *
 * Binds 127.0.0.1 only, on a port picked at run time.
 */
public class PortsCliBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
        Path jar = Path.of("target/virtuoso.jar").toAbsolutePath();
        Path work = Files.createTempDirectory("virtuoso-cli-bench");
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.yaml"),
                "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \"" + work.resolve("state") + "\"\n");
        try (ServerSocket held = new ServerSocket()) {
            int port = freePort();
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> check = List.of(java, "-jar", jar.toString(), "ports", "check", Integer.toString(port));
            List<String> ss = List.of("ss", "-ltnp", "sport = :" + port);
            List<String> lsof = List.of("lsof", "-nP", "-iTCP:" + port, "-sTCP:LISTEN");
            boolean haveLsof = works(lsof, work);
            time(check, work); // warm the page cache
            List<Double> checkTimes = new ArrayList<>();
            List<Double> ssTimes = new ArrayList<>();
            List<Double> lsofTimes = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                checkTimes.add(time(check, work));
                ssTimes.add(time(ss, work));
                if (haveLsof) {
                    lsofTimes.add(time(lsof, work));
                }
            }
            double checkMedian = median(checkTimes);
            double ssMedian = median(ssTimes);
            System.out.printf("wall time, median of %d: ports check %.1f ms, ss %.1f ms%s%n", runs, checkMedian,
                    ssMedian, haveLsof ? String.format(", lsof %.1f ms", median(lsofTimes)) : " (no lsof installed)");
            System.out.printf("ratio check/ss %.1f%s; target: check under 150 ms%n", checkMedian / ssMedian,
                    haveLsof ? String.format(", check/lsof %.1f", checkMedian / median(lsofTimes)) : "");

            PortHolderLookup lookup = new PortHolderLookup();
            for (int i = 0; i < 50; i++) {
                lookup.lookup(port); // let the JIT compile it, as in a running server
            }
            List<Double> lookupTimes = new ArrayList<>();
            List<Double> ssAgain = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                if (lookup.lookup(port).holders().isEmpty()) {
                    throw new IllegalStateException("the lookup did not find this benchmark holding " + port);
                }
                lookupTimes.add((System.nanoTime() - start) / 1e6);
                ssAgain.add(time(ss, work));
            }
            System.out.printf("holder lookup in a warm JVM %.2f ms vs ss %.1f ms: ratio %.2f (target <= 1)%n",
                    median(lookupTimes), median(ssAgain), median(lookupTimes) / median(ssAgain));
        }
    }

    private static double time(List<String> command, Path work) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " took over 60 s");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static boolean works(List<String> command, Path work) {
        try {
            time(command, work);
            return true;
        }
        catch (Exception ex) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                return port;
            }
            catch (IOException ex) {
                // taken: try another
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

}
