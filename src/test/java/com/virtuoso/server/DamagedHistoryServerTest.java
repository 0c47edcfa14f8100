package com.virtuoso.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.history.ConflictHistory;
import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.testing.FileLockHolder;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conflict history is a diagnostic: when its file is damaged or its lock is held by a stuck
 * process, the server still starts and {@code /actuator/ports} still answers.
 */
@ExtendWith(OutputCaptureExtension.class)
class DamagedHistoryServerTest {

    @TempDir
    Path state;

    @Test
    void theEndpointAnswersWithTheReadableEntriesOfAHistoryWithTornAndNonUtf8Lines(CapturedOutput output)
            throws Exception {
        Path history = writeOneEntry();
        Files.write(history, new byte[] { '{', '"', 'a', 't', '"', ':', '\n', '{', '"', (byte) 0xC3, (byte) 0x28, '"',
                '}', '\n', (byte) 0xFF, (byte) 0xFE, '\n' }, StandardOpenOption.APPEND);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick())) {
            for (int i = 0; i < 3; i++) {
                JsonNode entries = server.getJson("/actuator/ports").get("history");
                assertThat(entries).hasSize(1);
                assertThat(entries.get(0).get("pid").asLong()).isEqualTo(4242);
            }
        }
        assertThat(output.getAll().lines().filter((line) -> line.contains("Conflict history " + history)))
            .singleElement()
            .asString()
            .contains("has 3 unreadable line(s)");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theEndpointAnswersWhenTheHistoryIsADirectoryOrAFifo() throws Exception {
        Path history = state.resolve(ConflictHistory.FILE_NAME);
        Files.createDirectories(history);
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick())) {
            assertThat(server.getJson("/actuator/ports").get("history")).isEmpty();
        }
        Files.delete(history);
        Process mkfifo = new ProcessBuilder("mkfifo", history.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick())) {
            assertThat(server.getJson("/actuator/ports").get("history")).isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aLockHeldByAStuckProcessCostsOneWarningAndOneEntryNotTheStart(CapturedOutput output) throws Exception {
        writeOneEntry();
        List<Integer> ports = FreePorts.pick(2);
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", ports.get(0));
                FileLockHolder stuck = FileLockHolder.lock(state.resolve("port-history.lock"));
                InProcessServer server = InProcessServer.start(state, "--web_server.port=" + ports.get(0),
                        "--web_server.fallback_ports=" + ports.get(1))) {
            assertThat(server.port()).isEqualTo(ports.get(1));
            JsonNode report = server.getJson("/actuator/ports");
            assertThat(report.get("fellBack").asBoolean()).isTrue();
            assertThat(report.get("history")).hasSize(1);
            assertThat(report.get("history").get(0).get("pid").asLong()).isEqualTo(4242);
        }
        assertThat(output.getAll().lines().filter((line) -> line.contains("is locked by another process")))
            .singleElement()
            .asString()
            .contains("this conflict is not recorded");
    }

    private Path writeOneEntry() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        List<Integer> ports = FreePorts.pick(2);
        history.append(new ConflictRecord(at, 4242, ports.get(0), ports.get(1), ConflictResult.FELL_BACK,
                List.of(PortAttempt.bound(ports.get(1), at))));
        return history.file();
    }

}
