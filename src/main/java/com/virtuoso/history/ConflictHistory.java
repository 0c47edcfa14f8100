package com.virtuoso.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.state.StateDirectory;

/**
 * The conflict history across starts: {@code port-history.jsonl} in the state directory, one JSON
 * {@link ConflictRecord} per line, oldest first, at most {@code limit} lines.
 * <p>
 * Several processes may append at once: each append holds an OS file lock on
 * {@code port-history.lock}, and replaces the file by an atomic rename, so a reader never sees a
 * half-written file. A line that does not parse (a crash in an older writer, a hand edit) is
 * skipped when reading and dropped at the next append.
 * <p>
 * The files are private to the user (0600) and never read through a symbolic link: a link
 * planted as {@code port-history.jsonl} reads as no history, and the next append replaces the
 * link itself, never its target. On a refused {@link StateDirectory} the history records nothing
 * and reads empty: the refusal was reported once, when the directory was opened.
 */
public final class ConflictHistory {

    public static final String FILE_NAME = "port-history.jsonl";

    private static final String LOCK_FILE_NAME = "port-history.lock";

    private final StateDirectory stateDirectory;

    private final Path file;

    private final int limit;

    private final JsonMapper json = JsonMapper.shared();

    public ConflictHistory(StateDirectory stateDirectory, int limit) {
        this.stateDirectory = stateDirectory;
        this.file = stateDirectory.path().resolve(FILE_NAME);
        this.limit = limit;
    }

    public Path file() {
        return file;
    }

    /** Adds {@code record} as the newest entry, dropping the oldest beyond the limit. */
    public synchronized void append(ConflictRecord record) throws IOException {
        if (!stateDirectory.isUsable()) {
            return;
        }
        try (FileChannel channel = stateDirectory.openLock(LOCK_FILE_NAME); FileLock lock = channel.lock()) {
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
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            finally {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Every readable entry, newest first; empty when there is no history yet. */
    public List<ConflictRecord> newestFirst() {
        List<ConflictRecord> records = oldestFirst();
        Collections.reverse(records);
        return records;
    }

    private List<ConflictRecord> oldestFirst() {
        if (!stateDirectory.isUsable()) {
            return new ArrayList<>();
        }
        List<String> lines;
        try {
            lines = stateDirectory.readString(file).lines().toList();
        }
        catch (NoSuchFileException | StateDirectory.LinkNotFollowedException ex) {
            // none yet; or a link, which is not ours: never followed, and replaced by the next append
            return new ArrayList<>();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the conflict history " + file, ex);
        }
        List<ConflictRecord> records = new ArrayList<>(lines.size());
        for (String line : lines) {
            try {
                records.add(json.readValue(line, ConflictRecord.class));
            }
            catch (JacksonException ex) {
                // a torn or hand-edited line: the rest of the history is still good
            }
        }
        return records;
    }

}
