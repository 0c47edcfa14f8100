package com.virtuoso.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar answers {@code --help}, {@code --version} and look-alikes of its keys without
 * starting anything: no Spring application, no Tomcat, no port; the class loading log shows it.
 */
class ServerArgumentsIT {

    /** Far more than an answer takes (about half a second), far less than a start. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private int port;

    private Path classes;

    @BeforeEach
    void writeConfig() throws Exception {
        port = FreePorts.pick();
        classes = directory.resolve("classes.log");
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port
                + "\n  fallback_ports: []\n  state_dir: \"" + directory.resolve("state") + "\"\n");
    }

    @Test
    void helpAfterServerArgumentsPrintsTheUsageAndStartsNothing() throws Exception {
        JarProcess help = start("--web_server.port=" + port, "--help");
        assertThat(help.awaitExit(ANSWERED_WITHIN)).isZero();
        assertThat(help.output()).contains("Usage: java -jar virtuoso.jar", "--web_server.port=PORT", "ports check PORT")
            .doesNotContain("Virtuoso listening", "Started VirtuosoApplication");
        assertStartedNothing();
    }

    @Test
    void versionPrintsTheBuildVersionAsThePortManagerDoes() throws Exception {
        JarProcess version = start("--version");
        assertThat(version.awaitExit(ANSWERED_WITHIN)).isZero();
        assertStartedNothing();
        JarProcess portsVersion = JarProcess.ports(directory, "--version");
        assertThat(portsVersion.awaitExit(ANSWERED_WITHIN)).isZero();
        String line = portsVersion.output().strip();
        assertThat(line).matches("Virtuoso \\d+\\.\\d+\\.\\d+\\S* \\(built \\S+\\)");
        assertThat(version.output()).contains(line);
    }

    @Test
    void aLookAlikeStopsWithExit2AndTheKeyMeantBeforeAnythingStarts() throws Exception {
        int other = FreePorts.pick();
        JarProcess lookAlike = start("--port", Integer.toString(other));
        assertThat(lookAlike.awaitExit(ANSWERED_WITHIN)).isEqualTo(2);
        assertThat(lookAlike.output()).contains("did you mean --web_server.port=" + other + "?");
        assertStartedNothing();
    }

    private JarProcess start(String... arguments) throws Exception {
        return JarProcess.start(directory, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes),
                arguments);
    }

    /** No Spring application, no Tomcat, and the configured port free. */
    private void assertStartedNothing() throws Exception {
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(100);
        assertThat(loaded).filteredOn((line) -> line.contains(" org.springframework.boot.SpringApplication ")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" org.apache.catalina.")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" java.net.ServerSocket ")
                || line.contains(" sun.nio.ch.ServerSocketChannelImpl ")).isEmpty();
        try (ServerSocket free = new ServerSocket()) {
            free.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }

}
