package com.virtuoso.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The conflict history across starts: {@code port-history.jsonl} in the state directory, one JSON
 * {@link ConflictRecord} per line, oldest first, at most {@code limit} lines.
 * <p>
 * Several processes may append at once: each append holds an OS file lock on
 * {@code port-history.lock}, and replaces the file by an atomic rename, so a reader never sees a
 * half-written file. A line that does not parse (a crash in an older writer, a hand edit) is
 * skipped when reading and dropped at the next append.
 */
public final class ConflictHistory {

    public static final String FILE_NAME = "port-history.jsonl";

    private final Path file;

    private final Path lockFile;

    private final int limit;

    private final JsonMapper json = JsonMapper.shared();

    public ConflictHistory(Path stateDirectory, int limit) {
        this.file = stateDirectory.resolve(FILE_NAME);
        this.lockFile = stateDirectory.resolve("port-history.lock");
        this.limit = limit;
    }

    public Path file() {
        return file;
    }

    /** Adds {@code record} as the newest entry, dropping the oldest beyond the limit. */
    public synchronized void append(ConflictRecord record) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            List<ConflictRecord> records = oldestFirst();
            records.add(record);
            List<String> kept = records.subList(Math.max(0, records.size() - limit), records.size())
                .stream()
                .map(json::writeValueAsString)
                .toList();
            Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                Files.write(temporary, kept, StandardCharsets.UTF_8);
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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException ex) {
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
