package com.virtuoso.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The access log goes through the logging system to standard output: one whole line per request,
 * in the access log's own format, whatever the server's log level.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogTest {

    /** Common Log Format and the time taken; the query string numbers the request. */
    static final Pattern LINE = Pattern
        .compile("^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] \"GET /actuator/health\\?n=(\\d+) HTTP/1\\.1\" 200 \\d+ \\d+ms$");

    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path state;

    @Test
    void concurrentRequestsGetOneWholeLineEachOnStandardOutput(CapturedOutput output) throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick())) {
            sendConcurrently(server, 200);
            // Tomcat logs a request once its response is sent: the client may read it first
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestNumbers(output.getOut()))
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 200).boxed().toList()));
        }
    }

    @Test
    void aQuietLogLevelKeepsTheAccessLog(CapturedOutput output) throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.log_level=warn")) {
            server.get("/actuator/health?n=7");
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestNumbers(output.getOut())).containsExactly(7));
        }
    }

    @Test
    void theLoggerCanBeTurnedOffLikeAnyOther(CapturedOutput output) throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--logging.level.virtuoso.access=off")) {
            server.get("/actuator/health?n=7");
            // a line would come within milliseconds of the response (see the tests above)
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(output.getOut()).doesNotContain("/actuator/health?n="));
        }
    }

    @Test
    void accessLogFalseWritesNoLines(CapturedOutput output) throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.access_log=false")) {
            server.get("/actuator/health?n=7");
            // a line would come within milliseconds of the response (see the tests above)
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(output.getOut()).doesNotContain("/actuator/health?n="));
        }
    }

    @Test
    void theManagementServerOnAPortOfItsOwnLogsEachRequestOnceAndMarked(CapturedOutput output) throws Exception {
        List<Integer> ports = FreePorts.pick(2);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                "--management.server.port=" + ports.get(1), "--management.server.address=127.0.0.1")) {
            assertThat(get(ports.get(1), "/actuator/health?n=1").statusCode()).isEqualTo(200);
            // the trading server, whose line must stay as it was, and single
            assertThat(get(ports.get(0), "/actuator/health?n=2").statusCode()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(accessLines(output.getOut()))
                .containsExactlyInAnyOrder("\"GET /actuator/health?n=1 HTTP/1.1\" 200 management",
                        "\"GET /actuator/health?n=2 HTTP/1.1\" 404"));
        }
    }

    /** The request line, status and mark of each access line naming {@code /actuator/health?n=}. */
    private static List<String> accessLines(String output) {
        Pattern line = Pattern.compile("^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] (\"[^\"]+\") (\\d{3}) \\S+ \\d+ms((?: \\w+)?)$");
        return output.lines().filter((text) -> text.contains("/actuator/health?n=")).map((text) -> {
            Matcher matcher = line.matcher(text);
            assertThat(matcher.matches()).as("an access line, whole: %s", text).isTrue();
            return matcher.group(1) + " " + matcher.group(2) + matcher.group(3);
        }).toList();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static void sendConcurrently(InProcessServer server, int requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> responses = IntStream.range(0, requests)
                .mapToObj((n) -> threads.submit(() -> server.get("/actuator/health?n=" + n)))
                .toList();
            for (Future<String> response : responses) {
                response.get();
            }
        }
        finally {
            threads.shutdownNow();
        }
    }

    /**
     * The request number of each access line; fails on a line that names a request but is not
     * whole.
     */
    static List<Integer> requestNumbers(String output) {
        return output.lines().filter((line) -> line.contains("/actuator/health?n=")).map((line) -> {
            Matcher matcher = LINE.matcher(line);
            assertThat(matcher.matches()).as("an access line, whole: %s", line).isTrue();
            return Integer.parseInt(matcher.group(1));
        }).toList();
    }

}
