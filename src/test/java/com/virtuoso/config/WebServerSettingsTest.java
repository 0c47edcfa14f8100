package com.virtuoso.config;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.apache.catalina.Valve;
import org.apache.catalina.valves.AbstractAccessLogValve;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every web_server key does what its name says, on a running server.
 */
class WebServerSettingsTest {

    @TempDir
    Path state;

    @Test
    void timeoutKeepAliveClosesAnIdleConnectionAfterThatManySeconds() throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.timeout_keep_alive=1");
                Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            client.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            OutputStream request = client.getOutputStream();
            request.write(("GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            InputStream response = client.getInputStream();
            String head = readUntilBodyStarts(response);
            assertThat(head).startsWith("HTTP/1.1 200");
            long idleSince = System.nanoTime();
            // the server must close the idle connection: read() sees the end of the stream
            while (response.read() != -1) {
                // drain the rest of the body
            }
            Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
            // closed after about the configured second: not at once, and well before the default (60 s)
            assertThat(idle).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    @Test
    void logLevelSetsTheRootLoggerInAnyCase() throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.log_level=WaRn")) {
            LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
            assertThat(logging.getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME).getEffectiveLevel())
                .isEqualTo(LogLevel.WARN);
        }
    }

    @Test
    void accessLogTurnsTomcatsAccessLogOnAndOff() throws Exception {
        try (InProcessServer on = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.access_log=true")) {
            assertThat(accessLogValves(on)).isOne();
        }
        try (InProcessServer off = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.access_log=false")) {
            assertThat(accessLogValves(off)).isZero();
        }
    }

    @Test
    void reloadTurnsDevToolsRestartOnAndOff() throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.reload=true")) {
            assertThat(server.context().getEnvironment().getProperty("spring.devtools.restart.enabled"))
                .isEqualTo("true");
        }
    }

    @Test
    void hostIsTheBindAddress() throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.host=::1")) {
            assertThat(server.getJson("/actuator/ports").get("host").asString()).isEqualTo("0:0:0:0:0:0:0:1");
        }
    }

    private static long accessLogValves(InProcessServer server) {
        TomcatWebServer tomcat = (TomcatWebServer) ((WebServerApplicationContext) server.context()).getWebServer();
        Valve[] valves = tomcat.getTomcat().getEngine().getPipeline().getValves();
        return Arrays.stream(valves).filter(AbstractAccessLogValve.class::isInstance).count();
    }

    private static String readUntilBodyStarts(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next == -1) {
                break;
            }
            head.append((char) next);
        }
        return head.toString();
    }

}
