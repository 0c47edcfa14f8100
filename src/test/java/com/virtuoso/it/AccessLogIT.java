package com.virtuoso.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar with standard output redirected to a file, as a service manager or
 * {@code > server.log} does: the access lines and the server log share that file, no line
 * overwriting another.
 */
class AccessLogIT {

    private static final Pattern LINE = Pattern
        .compile("^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] \"GET /actuator/health\\?n=(\\d+) HTTP/1\\.1\" 200 \\d+ \\d+ms$");

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path directory;

    @Test
    void twoHundredConcurrentRequestsLeaveTwoHundredWholeLinesBesideTheServerLog() throws Exception {
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + FreePorts.pick()
                + "\n  state_dir: \"" + directory.resolve("state") + "\"\n  access_log: true\n");
        try (JarProcess server = JarProcess.start(directory, Map.of())) {
            int port = server.awaitListening();
            await().atMost(Duration.ofSeconds(60)).until(() -> status(port, "/actuator/health?ready") == 200);
            sendConcurrently(port, 200);
            // the server logs its shutdown after the access lines: a second writer would overwrite them
            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
            String output = server.output();
            assertThat(output).contains("Graceful shutdown complete").doesNotContain("\0");
            assertThat(requestNumbers(output)).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, 200).boxed().toList());
        }
    }

    private static void sendConcurrently(int port, int requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = IntStream.range(0, requests)
                .mapToObj((n) -> threads.submit(() -> status(port, "/actuator/health?n=" + n)))
                .toList();
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        }
        finally {
            threads.shutdownNow();
        }
    }

    private static int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The request number of each access line; fails on a line that names a request but is not whole. */
    private static List<Integer> requestNumbers(String output) {
        return output.lines().filter((line) -> line.contains("/actuator/health?n=")).map((line) -> {
            Matcher matcher = LINE.matcher(line);
            assertThat(matcher.matches()).as("an access line, whole: %s", line).isTrue();
            return Integer.parseInt(matcher.group(1));
        }).toList();
    }

}
