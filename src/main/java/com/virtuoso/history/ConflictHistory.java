package com.virtuoso.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.state.StateDirectory;

/**
 * The conflict history across starts: {@code port-history.jsonl} in the state directory, one JSON
 * {@link ConflictRecord} per line, oldest first, at most {@code limit} lines.
 * <p>
 * Several processes may append at once: each append holds an OS file lock on
 * {@code port-history.lock}, and replaces the file by an atomic rename, so a reader never sees a
 * half-written file. The lock is waited for while other writers make progress, but given up
 * after {@link #LOCK_WAIT} without it: a process that holds it and is stuck costs one warning and
 * this one entry, never a hung start.
 * <p>
 * The history is a diagnostic, so reading it never fails: a line that is torn (a crash in an
 * older writer), not UTF-8 or not a record is skipped; a history that is not a regular file (a
 * directory, a FIFO, which would block the read) or is too large to be one is not read. Each is
 * reported once, and the next append writes the readable entries back, healing the file.
 * <p>
 * The files are private to the user (0600) and never read through a symbolic link: a link
 * planted as {@code port-history.jsonl} reads as no history, and the next append replaces the
 * link itself, never its target. On a refused {@link StateDirectory} the history records nothing
 * and reads empty: the refusal was reported once, when the directory was opened.
 */
public final class ConflictHistory {

    public static final String FILE_NAME = "port-history.jsonl";

    /**
     * How long an append waits for the lock while the history does not change before it gives the
     * entry up: the process that holds the lock is stuck.
     */
    public static final Duration LOCK_WAIT = Duration.ofSeconds(2);

    /** How long an append waits for the lock at most, however busy the other writers are. */
    public static final Duration LOCK_WAIT_LIMIT = Duration.ofSeconds(30);

    /**
     * The most an entry is expected to take: a record lists every port a start tried, each with a
     * capped command line. A history larger than {@code limit} such entries was not written by us.
     */
    private static final long ENTRY_BYTES = 64 * 1024;

    private static final long MIN_BYTES = 1024 * 1024;

    private static final Log logger = LogFactory.getLog(ConflictHistory.class);

    private static final String LOCK_FILE_NAME = "port-history.lock";

    private final StateDirectory stateDirectory;

    private final Path file;

    private final int limit;

    private final long maxBytes;

    private final Consumer<String> warnings;

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private final JsonMapper json = JsonMapper.shared();

    /** A history whose problems are logged at WARN, as the server has no terminal. */
    public ConflictHistory(StateDirectory stateDirectory, int limit) {
        this(stateDirectory, limit, logger::warn);
    }

    /**
     * A history that tells {@code warnings} of each problem: once for a file it cannot read, and
     * each time an entry is not recorded.
     */
    public ConflictHistory(StateDirectory stateDirectory, int limit, Consumer<String> warnings) {
        this.stateDirectory = stateDirectory;
        this.file = stateDirectory.path().resolve(FILE_NAME);
        this.limit = limit;
        this.maxBytes = Math.max(MIN_BYTES, limit * ENTRY_BYTES);
        this.warnings = warnings;
    }

    public Path file() {
        return file;
    }

    /**
     * Adds {@code record} as the newest entry, dropping the oldest beyond the limit and any entry
     * that cannot be read.
     * @return whether it was recorded: not when the state directory is refused, or when another
     * process held the lock for {@link #LOCK_WAIT} without writing (which is warned of)
     * @throws IOException when the history cannot be written
     */
    public synchronized boolean append(ConflictRecord record) throws IOException {
        if (!stateDirectory.isUsable()) {
            return false;
        }
        try (FileChannel channel = stateDirectory.openLock(LOCK_FILE_NAME)) {
            Optional<FileLock> lock = lock(channel);
            if (lock.isEmpty()) {
                warnings.accept("Conflict history " + file + " is locked by another process that has not written "
                        + "it for " + LOCK_WAIT.toSeconds() + " s; this conflict is not recorded. Fix: stop the "
                        + "process that holds " + stateDirectory.path().resolve(LOCK_FILE_NAME)
                        + " (see 'fuser' or 'lsof')");
                return false;
            }
            try (FileLock held = lock.get()) {
                write(record);
            }
        }
        reported.clear(); // healed: a new problem is worth a new warning
        return true;
    }

    private void write(ConflictRecord record) throws IOException {
        List<ConflictRecord> records = oldestFirst();
        records.add(record);
        List<String> kept = records.subList(Math.max(0, records.size() - limit), records.size())
            .stream()
            .map(json::writeValueAsString)
            .toList();
        Path temporary = stateDirectory.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            Files.write(temporary, kept, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
            removeIfNotAFile();
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A rename cannot replace a directory; a FIFO or an empty directory is removed first, a full one is left. */
    private void removeIfNotAFile() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile() && !attributes.isSymbolicLink()) {
                Files.delete(file);
            }
        }
        catch (NoSuchFileException ex) {
            // nothing to replace
        }
    }

    /**
     * The lock, or empty when it was not had in time: when the history did not change for
     * {@link #LOCK_WAIT} (its holder is stuck), or after {@link #LOCK_WAIT_LIMIT} in all. Busy
     * writers replace the history as they go, so waiting behind them is not given up.
     * <p>
     * The wait is the kernel's, which wakes a waiter as soon as the lock is released: polling
     * {@code tryLock} would starve behind a few busy writers. To give up, the channel is closed,
     * which ends the wait; whichever of the two comes first settles it.
     */
    private Optional<FileLock> lock(FileChannel channel) throws IOException {
        AtomicBoolean settled = new AtomicBoolean();
        giveUpUnlessReplaced(channel, settled, version(), System.nanoTime() + LOCK_WAIT_LIMIT.toNanos());
        try {
            FileLock lock = channel.lock();
            if (settled.compareAndSet(false, true)) {
                return Optional.of(lock);
            }
            return Optional.empty(); // had just as the wait ran out: the channel is closed, and the lock with it
        }
        catch (AsynchronousCloseException ex) {
            return Optional.empty(); // the wait ran out
        }
    }

    /** In {@link #LOCK_WAIT}, gives the wait up, unless the lock was had or the history was replaced meanwhile. */
    private void giveUpUnlessReplaced(FileChannel channel, AtomicBoolean settled, Version seen, long limit) {
        Executor later = CompletableFuture.delayedExecutor(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS, Runnable::run);
        later.execute(() -> {
            if (settled.get()) {
                return;
            }
            Version now = version();
            if (!Objects.equals(now, seen) && System.nanoTime() - limit < 0) {
                giveUpUnlessReplaced(channel, settled, now, limit);
            }
            else if (settled.compareAndSet(false, true)) {
                close(channel);
            }
        });
    }

    /** What changes when a writer replaces the history; null when there is none or it cannot be seen. */
    private Version version() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new Version(attributes.fileKey(), attributes.lastModifiedTime());
        }
        catch (IOException ex) {
            return null; // none yet, or not readable: no progress to see
        }
    }

    /**
     * The history as a writer left it: each append renames a new file over it, so the inode
     * changes even within the resolution of the modification time.
     */
    private record Version(Object fileKey, FileTime modified) {
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ex) {
            logger.debug("Could not close the conflict history lock after waiting for it", ex);
        }
    }

    /** Every readable entry, newest first; empty when there is no history yet or it cannot be read. */
    public List<ConflictRecord> newestFirst() {
        List<ConflictRecord> records = oldestFirst();
        Collections.reverse(records);
        return records;
    }

    private List<ConflictRecord> oldestFirst() {
        if (!stateDirectory.isUsable()) {
            return new ArrayList<>();
        }
        return read().map(this::parse).orElseGet(ArrayList::new);
    }

    /** The bytes of the history, or empty when there is none or it cannot be read (reported once). */
    private Optional<byte[]> read() {
        try {
            StateDirectory.FileRead read = StateDirectory.read(file, maxBytes);
            return switch (read.found()) {
                // none yet, or a link: not ours, never followed, and replaced by the next append
                case NONE, LINK -> Optional.empty();
                case NOT_A_FILE -> {
                    reportOnce("not a file", "is not a regular file (a directory or a FIFO?); it is not read. Fix: "
                            + "remove it; the next conflict writes a new one");
                    yield Optional.empty();
                }
                case TOO_LARGE -> {
                    reportOnce("too large", "is larger than " + maxBytes + " bytes, too large to be a history of "
                            + limit + " entries; it is not read, and the next conflict replaces it. Fix: move it "
                            + "away if you want to keep it");
                    yield Optional.empty();
                }
                case CONTENT -> Optional.of(read.content());
            };
        }
        catch (IOException ex) {
            reportOnce("unreadable", "cannot be read (" + ex + "); it is not read, and the next conflict "
                    + "replaces it");
            return Optional.empty();
        }
    }

    /** The records of {@code content}, one a line; a line that is not UTF-8 or not a record is skipped. */
    private List<ConflictRecord> parse(byte[] content) {
        List<ConflictRecord> records = new ArrayList<>();
        int skipped = 0;
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            if (end > start) {
                try {
                    String line = StandardCharsets.UTF_8.newDecoder()
                        .decode(ByteBuffer.wrap(content, start, end - start))
                        .toString();
                    if (!line.isBlank()) {
                        records.add(json.readValue(line, ConflictRecord.class));
                    }
                }
                catch (CharacterCodingException | JacksonException ex) {
                    skipped++; // a torn, hand-edited or binary line: the rest of the history is still good
                }
            }
            start = end + 1;
        }
        if (skipped > 0) {
            reportOnce("unreadable lines", "has " + skipped + " unreadable line(s) (torn by a crash, not UTF-8, or "
                    + "not a record); they are skipped, and dropped at the next conflict");
        }
        return records;
    }

    private void reportOnce(String problem, String message) {
        if (reported.add(problem)) {
            warnings.accept("Conflict history " + file + " " + message);
        }
    }

}
