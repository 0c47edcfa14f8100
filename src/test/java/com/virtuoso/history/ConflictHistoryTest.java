package com.virtuoso.history;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
import com.virtuoso.testing.FileLockHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

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
    void aLineWithoutItsTimeOrResultIsSkipped() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        history.append(record(1, ConflictResult.FELL_BACK));
        Files.writeString(history.file(), "{\"attempts\":[]}\n{\"at\":\"2026-11-26T10:00:00Z\",\"attempts\":[]}\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
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
    void anUnknownOutcomeIsRecordedBesideEntriesOfAnOlderVersion() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        Files.createDirectories(history.file().getParent());
        // as a version without UNKNOWN wrote it: same fields, one of the outcomes it knew
        Files.writeString(history.file(), """
                {"at":"2026-11-20T09:00:00Z","pid":7,"primaryPort":8000,"activePort":8001,"result":"FELL_BACK",\
                "attempts":[{"port":8000,"outcome":"IN_USE","at":"2026-11-20T09:00:00Z","holder":null,\
                "detail":"in use by an unknown process (no /proc)"},{"port":8001,"outcome":"BOUND",\
                "at":"2026-11-20T09:00:00Z","holder":null,"detail":null}]}
                """, StandardCharsets.UTF_8);
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        PortAttempt unknown = new PortAttempt(8000, BindOutcome.UNKNOWN, at, null,
                "not bindable (why could not be verified): Address already in use (telling why failed: "
                        + "IllegalStateException: odd)");
        history.append(new ConflictRecord(at, 8, 8000, 8001, ConflictResult.FELL_BACK,
                List.of(unknown, PortAttempt.bound(8001, at))));
        List<ConflictRecord> records = history.newestFirst();
        assertThat(records).extracting(ConflictRecord::pid).containsExactly(8L, 7L);
        assertThat(records.get(0).attempts().get(0)).isEqualTo(unknown);
        assertThat(records.get(1).attempts().get(0).outcome()).isEqualTo(BindOutcome.IN_USE);
        assertThat(Files.readString(history.file())).contains("\"outcome\":\"UNKNOWN\"");
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
    void aLineThatIsNotUtf8IsSkippedReportedOnceAndDroppedByTheNextAppend() throws Exception {
        List<String> warnings = new ArrayList<>();
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100, warnings::add);
        history.append(record(1, ConflictResult.FELL_BACK));
        Files.write(history.file(), new byte[] { '{', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}', '\n' },
                StandardOpenOption.APPEND);
        history.append(record(2, ConflictResult.FELL_BACK)); // reads the bad line once, and drops it
        assertThat(warnings).singleElement()
            .asString()
            .isEqualTo("Conflict history " + history.file() + " has 1 unreadable line(s) (torn by a crash, not "
                    + "UTF-8, or not a record); they are skipped, and dropped at the next conflict");
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(2L, 1L);
        assertThat(Files.readAllLines(history.file(), StandardCharsets.UTF_8)).hasSize(2);
        assertThat(warnings).hasSize(1);
    }

    @Test
    void unreadableLinesAreReportedOnceHoweverOftenTheHistoryIsRead() throws Exception {
        List<String> warnings = new ArrayList<>();
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100, warnings::add);
        history.append(record(1, ConflictResult.FELL_BACK));
        Files.write(history.file(), new byte[] { (byte) 0xFE, (byte) 0xFF, '\n', '{', '\n' },
                StandardOpenOption.APPEND);
        for (int i = 0; i < 3; i++) {
            assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
        }
        assertThat(warnings).singleElement().asString().contains("has 2 unreadable line(s)");
    }

    @Test
    void aDirectoryWhereTheHistoryShouldBeReadsEmptyOnceReportedAndTheNextAppendReplacesIt() throws Exception {
        List<String> warnings = new ArrayList<>();
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100, warnings::add);
        Files.createDirectory(history.file());
        assertThat(history.newestFirst()).isEmpty();
        assertThat(history.newestFirst()).isEmpty();
        assertThat(warnings).singleElement()
            .asString()
            .isEqualTo("Conflict history " + history.file() + " is not a regular file (a directory or a FIFO?); it "
                    + "is not read. Fix: remove it; the next conflict writes a new one");
        assertThat(history.append(record(1, ConflictResult.FELL_BACK))).isTrue();
        assertThat(Files.isRegularFile(history.file(), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
    }

    @Test
    void aFifoWhereTheHistoryShouldBeIsNeitherOpenedNorWaitedFor() throws Exception {
        List<String> warnings = new ArrayList<>();
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100, warnings::add);
        mkfifo(history.file());
        assertThat(history.newestFirst()).isEmpty();
        assertThat(warnings).singleElement().asString().contains("is not a regular file");
        assertThat(history.append(record(1, ConflictResult.FELL_BACK))).isTrue();
        assertThat(Files.isRegularFile(history.file(), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
    }

    @Test
    void aFifoWhereTheLockShouldBeFailsTheAppendInsteadOfWaitingForAReader() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        Path lock = mkfifo(state.resolve("port-history.lock"));
        assertThatIOException().isThrownBy(() -> history.append(record(1, ConflictResult.FELL_BACK)))
            .withMessageContaining(lock.toString())
            .withMessageContaining("not a regular file");
        assertThat(history.newestFirst()).isEmpty();
    }

    @Test
    void aFileTooLargeToBeAHistoryIsNotReadAndTheNextAppendReplacesIt() throws Exception {
        List<String> warnings = new ArrayList<>();
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 1, warnings::add);
        try (RandomAccessFile file = new RandomAccessFile(history.file().toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024); // sparse: large, yet costs no disk
        }
        assertThat(history.newestFirst()).isEmpty();
        assertThat(warnings).singleElement()
            .asString()
            .startsWith("Conflict history " + history.file() + " is larger than 1048576 bytes, too large to be a "
                    + "history of 1 entries; it is not read");
        assertThat(history.append(record(1, ConflictResult.FELL_BACK))).isTrue();
        assertThat(Files.size(history.file())).isLessThan(4096);
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
    }

    @Test
    void aLockHeldByAStuckProcessCostsOneWarningAndOneEntryNeverAHang() throws Exception {
        List<String> warnings = new ArrayList<>();
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100, warnings::add);
        history.append(record(1, ConflictResult.FELL_BACK));
        Path lock = state.resolve("port-history.lock");
        try (FileLockHolder stuck = FileLockHolder.lock(lock)) {
            long started = System.nanoTime();
            assertThat(history.append(record(2, ConflictResult.FELL_BACK))).isFalse();
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(waited).isGreaterThanOrEqualTo(ConflictHistory.LOCK_WAIT).isLessThan(Duration.ofSeconds(10));
            assertThat(warnings).singleElement()
                .asString()
                .isEqualTo("Conflict history " + history.file() + " is locked by another process that has not written "
                        + "it for 2 s; this conflict is not recorded. Fix: stop the process that holds " + lock
                        + " (see 'fuser' or 'lsof')");
            assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(1L);
        }
        assertThat(history.append(record(3, ConflictResult.FELL_BACK))).isTrue();
        assertThat(history.newestFirst()).extracting(ConflictRecord::pid).containsExactly(3L, 1L);
        assertThat(warnings).hasSize(1);
    }

    @Test
    void aRecordWrittenBeforeStartTicksReadsWithoutThem() throws Exception {
        ConflictHistory history = new ConflictHistory(StateDirectory.open(state), 100);
        history.append(record(1, ConflictResult.FELL_BACK));
        String old = Files.readString(history.file()).replace("\"startTicks\":null,", "");
        assertThat(old).doesNotContain("startTicks");
        Files.writeString(history.file(), old);
        assertThat(history.newestFirst()).containsExactly(record(1, ConflictResult.FELL_BACK));
        PortHolder withTicks = new PortHolder(4242, "alice", Instant.parse("2026-11-26T10:00:00Z"), 123456L, "nc -l");
        String json = JsonMapper.shared().writeValueAsString(withTicks);
        assertThat(json).contains("\"startTicks\":123456");
        assertThat(JsonMapper.shared().readValue(json, PortHolder.class)).isEqualTo(withTicks);
    }

    private static Path mkfifo(Path path) throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        return path;
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
