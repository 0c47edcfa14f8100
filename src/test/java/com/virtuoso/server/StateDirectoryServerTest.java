package com.virtuoso.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server with a state directory it must not use: it says so once, and runs on without the
 * instance registry and the conflict history.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateDirectoryServerTest {

    @TempDir
    Path directory;

    @Test
    void aStateDirectoryWritableByOthersIsNotUsedAndTheServerRunsOn(CapturedOutput output) throws Exception {
        Path state = Files.createDirectory(directory.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<Integer> ports = FreePorts.pick(2);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ports.get(0)));
            try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                    "--web_server.fallback_ports=" + ports.get(1))) {
                assertThat(server.port()).isEqualTo(ports.get(1));
                JsonNode report = server.getJson("/actuator/ports");
                assertThat(report.get("fellBack").asBoolean()).isTrue();
                assertThat(report.get("history")).isEmpty();
            }
        }
        String warning = "State directory " + state + " is writable by group or others";
        assertThat(output.getOut().split(warning, -1)).hasSize(2);
        assertThat(output).contains("Fix: chmod 700 " + state + ". The server runs on without the instance registry");
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files).isEmpty();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwxrwxrwx");
    }

}
