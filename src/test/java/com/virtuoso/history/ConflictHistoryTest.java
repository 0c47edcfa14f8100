package com.virtuoso.history;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.state.StateDirectory;

import static org.assertj.core.api.Assertions.assertThat;

class ConflictHistoryTest {

    @TempDir
    Path state;

    @Test
    void newestFirstWithEveryField() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        history.append(record(1, ConflictResult.FELL_BACK));
        history.append(record(2, ConflictResult.EXHAUSTED));
        List<ConflictRecord> records = history.newestFirst();
        assertThat(records).extracting(ConflictRecord::pid).containsExactly(2L, 1L);
        assertThat(records.get(1)).isEqualTo(record(1, ConflictResult.FELL_BACK));
        assertThat(Files.readString(history.file())).contains("\"result\":\"FELL_BACK\"", "\"outcome\":\"IN_USE\"",
                "\"at\":\"2026-11-26T10:00:01Z\"");
    }

    @Test
    void keepsOnlyTheNewestEntriesUpToTheLimit() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 3);
        for (int pid = 1; pid <= 5; pid++) {
            history.append(record(pid, ConflictResult.FELL_BACK));
        }
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(5L, 4L, 3L);
        assertThat(Files.readAllLines(history.file())).hasSize(3);
    }

    @Test
    void aTornLastLineIsSkippedAndTheNextAppendStillWorks() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        history.append(record(1, ConflictResult.FELL_BACK));
        Files.writeString(history.file(), "{\"at\":\"2026-11-26T10:00:00Z\",\"pid\":99,\"prim", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
        history.append(record(2, ConflictResult.EXHAUSTED));
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(2L, 1L);
    }

    @Test
    void aHolderCommandWrittenUnmaskedByAnOlderVersionIsReadMasked() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        Files.createDirectories(history.file().getParent());
        Files.writeString(history.file(), """
                {"at":"2026-11-20T09:00:00Z","pid":7,"primaryPort":8000,"activePort":8001,"result":"FELL_BACK",\
                "attempts":[{"port":8000,"outcome":"IN_USE","at":"2026-11-20T09:00:00Z","holder":{"pid":4242,\
                "user":"alice","startTime":"2026-11-20T08:00:00Z","command":"mysql -uroot -pHunter2 --port 8000 \
                -H \\u001b[2J"},"detail":"in use by PID 4242 (mysql -uroot -pHunter2 --port 8000 -H \\u001b[2J) \
                and 2 more"},{"port":8001,"outcome":"BOUND",\
                "at":"2026-11-20T09:00:00Z","holder":null,"detail":null}]}
                """, StandardCharsets.UTF_8);
        List<ConflictRecord> records = history.newestFirst();
        assertThat(records).extracting(ConflictRecord::pid).containsExactly(7L);
        assertThat(records.get(0).attempts().get(0).holder().command())
            .isEqualTo("mysql -uroot -p**** --port 8000 -H \\x1b[2J");
        assertThat(records.get(0).attempts().get(0).detail())
            .isEqualTo("in use by PID 4242 (mysql -uroot -p**** --port 8000 -H \\x1b[2J) and 2 more");
        assertThat(Files.readString(history.file())).contains("Hunter2");
        assertThat(records.toString()).doesNotContain("Hunter2");
    }

    @Test
    void noFileMeansNoHistory() {
        assertThat(new ConflictHistory(StateDirectory.open(state.resolve("never-written")), 100).newestFirst()).isEmpty();
    }

    @Test
    void theHistoryAndItsLockArePrivate() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        history.append(record(1, ConflictResult.FELL_BACK));
        assertThat(mode(history.file())).isEqualTo("rw-------");
        assertThat(mode(state.resolve("port-history.lock"))).isEqualTo("rw-------");
    }

    @Test
    void aLinkPlantedAsTheHistoryIsNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(state.resolve("elsewhere"));
        Path target = Files.writeString(elsewhere.resolve("target.jsonl"),
                JsonMapper.shared().writeValueAsString(record(1, ConflictResult.FELL_BACK)) + "\n");
        String planted = Files.readString(target);
        Path stateDirectory = Files.createDirectory(state.resolve("state"));
        Files.createSymbolicLink(stateDirectory.resolve(ConflictHistory.FILE_NAME), target);
        ConflictHistory history = new ConflictHistory(StateDirectory.open(stateDirectory), 100);
        assertThat(history.newestFirst()).isEmpty();
        history.append(record(2, ConflictResult.EXHAUSTED));
        assertThat(Files.readString(target)).isEqualTo(planted);
        assertThat(Files.isSymbolicLink(history.file())).isFalse();
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(2L);
    }

    @Test
    void onARefusedDirectoryNothingIsRecordedAndNothingRead() throws Exception {
        Path open = Files.createDirectory(state.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        ConflictHistory history = new ConflictHistory(StateDirectory.open(open), 100);
        history.append(record(1, ConflictResult.FELL_BACK));
        assertThat(history.newestFirst()).isEmpty();
        try (Stream<Path> files = Files.list(open)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void processesAppendingAtOnceLoseNothing() throws Exception {
        int processes = 4;
        int appendsEach = 25;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> writers = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            writers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ConcurrentAppender.class.getName(), state.toString(), Integer.toString(appendsEach))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
        }
        for (Process writer : writers) {
            assertThat(writer.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.exitValue()).isZero();
        }
        List<ConflictRecord> records = new ConflictHistory(StateDirectory.open(state), 1000).newestFirst();
        assertThat(records).hasSize(processes * appendsEach);
        assertThat(Files.readAllLines(state.resolve(ConflictHistory.FILE_NAME))).hasSize(processes * appendsEach);
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    static ConflictRecord record(long pid, ConflictResult result) {
        Instant at = Instant.parse("2026-11-26T10:00:00Z").plusSeconds(pid);
        PortHolder holder = new PortHolder(4242, "alice", at.minusSeconds(60), "python3 -m http.server 8000");
        return new ConflictRecord(at, pid, 8000, (result == ConflictResult.FELL_BACK) ? 8001 : null, result,
                List.of(new PortAttempt(8000, BindOutcome.IN_USE, at, holder, "in use by PID 4242"),
                        PortAttempt.bound(8001, at)));
    }

    /** One of several processes appending to the same history at once. */
    public static final class ConcurrentAppender {

        public static void main(String[] args) throws Exception {
            ConflictHistory history = new ConflictHistory(StateDirectory.open(Path.of(args[0])), 1000);
            long pid = ProcessHandle.current().pid();
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                history.append(record(pid, ConflictResult.FELL_BACK));
            }
        }

    }

}
