package com.virtuoso.instances;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.state.StateDirectory;

/**
 * The running servers of this state directory: one {@code instances/<pid>.json} per server,
 * written when it starts listening and removed when it stops. A server that was killed leaves its
 * file behind; readers tell such stale entries apart by pid and process start time.
 * <p>
 * A record is trusted no further than it is re-checked: it is live only when its file is named
 * after its pid and that pid runs with the recorded start time. Files are private to the user
 * (0600 in a 0700 directory) and never read through a symbolic link. On a refused
 * {@link StateDirectory} the registry records nothing and reads empty: the refusal was reported
 * once, when the directory was opened.
 */
public final class InstanceRegistry {

    private static final String DIRECTORY_NAME = "instances";

    private final StateDirectory stateDirectory;

    private final Path directory;

    private final JsonMapper json = JsonMapper.shared();

    public InstanceRegistry(StateDirectory stateDirectory) {
        this.stateDirectory = stateDirectory;
        this.directory = stateDirectory.path().resolve(DIRECTORY_NAME);
    }

    /**
     * A record as it was read.
     *
     * @param file the file it was read from, the one to remove when it is stale
     * @param instance what the file says
     */
    public record Entry(Path file, InstanceRecord instance) {

        /** Whether the file is {@code <pid>.json} of the pid it holds; a record under another name is stale. */
        public boolean namedAfterItsPid() {
            return file.getFileName().toString().equals(fileName(instance.pid()));
        }

        /** Whether the entry is named after its pid, and that pid runs with the recorded start time. */
        public boolean isLive() {
            return namedAfterItsPid() && isAlive(instance);
        }

    }

    public Path fileOf(long pid) {
        return directory.resolve(fileName(pid));
    }

    /** Writes the record of a server, whole or not at all. */
    public void register(InstanceRecord instance) throws IOException {
        if (!stateDirectory.isUsable()) {
            return;
        }
        stateDirectory.directory(DIRECTORY_NAME);
        Path temporary = stateDirectory.createTempFile(directory, instance.pid() + ".", ".tmp");
        try {
            Files.writeString(temporary, json.writeValueAsString(instance), StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
            Files.move(temporary, fileOf(instance.pid()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Removes the record this process wrote under its own pid. */
    public void remove(long pid) throws IOException {
        if (stateDirectory.isUsable()) {
            Files.deleteIfExists(fileOf(pid));
        }
    }

    /** Removes exactly the file {@code entry} was read from (a link itself, never its target). */
    public void remove(Entry entry) throws IOException {
        if (stateDirectory.isUsable()) {
            Files.deleteIfExists(entry.file());
        }
    }

    /**
     * Every registered server, live or stale, by pid. Files that are not records are left out:
     * half-written or hand-edited ones, and symbolic links, which are not followed.
     */
    public List<Entry> all() {
        if (!stateDirectory.isUsable()) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDirectory.directory(DIRECTORY_NAME),
                "*.json")) {
            for (Path file : files) {
                try {
                    entries.add(new Entry(file, json.readValue(stateDirectory.readString(file), InstanceRecord.class)));
                }
                catch (JacksonException | NoSuchFileException ex) {
                    // half-written by a crashed writer, or removed while listing: not a live server
                }
                catch (StateDirectory.LinkNotFollowedException ex) {
                    // a link is nobody's record: its target is not read
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the instance registry " + directory, ex);
        }
        entries.sort(Comparator.comparingLong((Entry entry) -> entry.instance().pid())
            .thenComparing(Entry::file));
        return entries;
    }

    /** The registered servers whose process still runs (same pid and start time), from files named after them. */
    public List<InstanceRecord> live() {
        return all().stream().filter(Entry::isLive).map(Entry::instance).toList();
    }

    /** Whether the process that wrote {@code instance} still runs: same pid, same start time. */
    static boolean isAlive(InstanceRecord instance) {
        return instance.startTime() != null && ProcessHandle.of(instance.pid())
            .filter(ProcessHandle::isAlive)
            .flatMap(process -> process.info().startInstant())
            .map(started -> started.toEpochMilli() == instance.startTime().toEpochMilli())
            .orElse(false);
    }

    private static String fileName(long pid) {
        return pid + ".json";
    }

}
