package com.virtuoso.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the packaged server loads as it starts: only what a start needs, so that Virtuoso starts
 * as fast as a plain Spring Boot app with the same starters (bench/StartupBenchmark), and the port
 * manager answers soon (bench/LaunchBenchmark). Each class named here once cost hundreds of
 * classes before the port was bound or the answer printed.
 */
class StartupFootprintIT {

    @TempDir
    Path directory;

    @Test
    void aStartLoadsNoBeanValidationNoHttpClientNoTlsAndNoZooKeeper() throws Exception {
        int port = FreePorts.pick(1).get(0);
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port
                + "\n  fallback_ports: []\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        Path classes = directory.resolve("classes.log");
        try (JarProcess server = JarProcess.start(directory,
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes))) {
            assertThat(server.awaitListening()).isEqualTo(port);
            await().atMost(Duration.ofSeconds(60)).until(() -> server.output().contains("Started VirtuosoApplication"));
        }
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(1000);
        // Bean Validation: nothing validates through it (the web_server block validates itself)
        assertThat(loaded).filteredOn((line) -> line.contains(" org.hibernate.validator.")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" jakarta.validation.")).isEmpty();
        // the webhook client, and the TLS set-up it brings, wait for the first alert
        assertThat(loaded).filteredOn((line) -> line.contains(" jdk.internal.net.http.HttpClientImpl ")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" sun.security.ssl.SSLContextImpl ")).isEmpty();
        // service discovery is off unless configured: no ZooKeeper client is made (the JVM's verifier may
        // still load an interface of Curator's service discovery that a Spring Cloud class names)
        assertThat(loaded).filteredOn((line) -> line.contains(" org.apache.zookeeper.")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" org.apache.curator.framework.")).isEmpty();
    }

    @Test
    void aPortsCommandLoadsNoLoggingBackend() throws Exception {
        int port = FreePorts.pick(1).get(0);
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port + "\n");
        Path classes = directory.resolve("classes.log");
        JarProcess check = JarProcess.start(directory,
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes), "ports", "check",
                Integer.toString(port));
        assertThat(check.awaitExit(Duration.ofSeconds(60))).isZero();
        assertThat(check.output()).contains("Port " + port + " is free");
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(1000);
        // Spring's logging goes nowhere in the port manager: no backend is looked for (40 ms)
        assertThat(loaded).filteredOn((line) -> line.contains(" org.apache.logging.log4j.")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" ch.qos.logback.")).isEmpty();
        assertThat(loaded).filteredOn((line) -> line.contains(" org.apache.commons.logging.impl.NoOpLog ")).hasSize(1);
    }

    @Test
    void checkingAPortNoRegisteredServerHoldsLoadsNoJsonLibrary() throws Exception {
        JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \""
                + directory.resolve("state") + "\"\n");
        Path classes = directory.resolve("classes.log");
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.pick()));
            JarProcess check = JarProcess.start(directory,
                    Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes), "ports", "check",
                    Integer.toString(held.getLocalPort()));
            assertThat(check.awaitExit(Duration.ofSeconds(60))).isOne();
            assertThat(check.output()).contains("PID " + ProcessHandle.current().pid());
        }
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(1000);
        // the holder is looked up in the instance registry, which is empty: no JSON mapper is made
        // for it (about 460 classes, ~0.1 s of the answer)
        assertThat(loaded).filteredOn((line) -> line.contains(" com.virtuoso.instances.InstanceRegistry ")).hasSize(1);
        assertThat(loaded).filteredOn((line) -> line.contains(" tools.jackson.databind.")).isEmpty();
    }

}
