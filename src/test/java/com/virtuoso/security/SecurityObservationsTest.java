package com.virtuoso.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security times neither the filter chain nor the authorization of each request (the
 * largest cost of a health check beyond Spring MVC); the request itself is timed as ever, and a
 * client's credentials are still observed.
 */
class SecurityObservationsTest {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path state;

    @Test
    void requestsAreTimedOnceAndCredentialsAreObserved() throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--spring.security.user.name=ops", "--spring.security.user.password=s3cret-for-test")) {
            server.get("/actuator/health");
            assertThat(status(server, "/actuator/ports", "ops:s3cret-for-test")).isEqualTo(200);
            assertThat(status(server, "/actuator/ports", "ops:wrong")).isEqualTo(401);

            MeterRegistry registry = server.context().getBean(MeterRegistry.class);
            assertThat(registry.find("http.server.requests").tag("uri", "/actuator/health").timer()).isNotNull();
            assertThat(registry.getMeters()).map((meter) -> meter.getId().getName())
                .filteredOn((name) -> name.startsWith("spring.security."))
                .containsOnly("spring.security.authentications", "spring.security.authentications.active");
            assertThat(registry.find("spring.security.authentications").timers())
                .extracting((timer) -> timer.getId().getTag("error"))
                .containsExactlyInAnyOrder("none", "BadCredentialsException");
        }
    }

    private static int status(InProcessServer server, String path, String credentials) throws Exception {
        String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Basic " + basic)
            .timeout(Duration.ofSeconds(10))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
