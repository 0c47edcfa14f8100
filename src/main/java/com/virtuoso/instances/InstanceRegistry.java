package com.virtuoso.instances;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.ProcessStart;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.state.StateDirectoryRefusedException;

/**
 * The running servers of this state directory: one {@code instances/<pid>.json} per server,
 * written when it starts listening and removed when it stops. A server that was killed leaves its
 * file behind; readers tell such stale entries apart by pid and process start time.
 * <p>
 * A record is trusted no further than it is re-checked: it is live only when its file is named
 * after its pid and that pid runs with the recorded start time. Files are private to the user
 * (0600 in a 0700 directory) and never read through a symbolic link. On a refused
 * {@link StateDirectory} the registry records nothing and reads empty: the refusal was reported
 * once, when the directory was opened. An {@code instances} that is not a directory of its own
 * (a link, a file) is refused the same way when read, and an entry that cannot be read is skipped
 * with a warning, so that one odd file never stops {@code ports list} from showing the rest.
 */
public final class InstanceRegistry {

    private static final Log logger = LogFactory.getLog(InstanceRegistry.class);

    private static final String DIRECTORY_NAME = "instances";

    /** A record is a few hundred bytes; a file much larger was not written by a server. */
    private static final int MAX_RECORD_BYTES = 64 * 1024;

    private final StateDirectory stateDirectory;

    private final Path directory;

    private final Consumer<String> warnings;

    private final Set<Path> reported = new HashSet<>();

    /** A registry whose unreadable entries are logged at WARN, as the server has no terminal. */
    public InstanceRegistry(StateDirectory stateDirectory) {
        this(stateDirectory, logger::warn);
    }

    /**
     * A registry that tells {@code warnings} of each entry it cannot read, once: such an entry is
     * skipped, and the rest of the registry is still read.
     */
    public InstanceRegistry(StateDirectory stateDirectory, Consumer<String> warnings) {
        this.stateDirectory = stateDirectory;
        this.directory = stateDirectory.path().resolve(DIRECTORY_NAME);
        this.warnings = warnings;
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
            Files.writeString(temporary, JsonMapper.shared().writeValueAsString(instance), StandardOpenOption.TRUNCATE_EXISTING,
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
     * Every registered server, live or stale, by pid. Symbolic links are left out, as they are not
     * followed. An entry that is not a regular file (a directory, a FIFO, which would block the
     * read) is not opened; it, and one that cannot be read, is not UTF-8, is too large or is not a
     * record (torn by a crash, hand-edited) are skipped with a warning, once.
     * @throws StateDirectoryRefusedException when {@code instances} is not a directory of its own
     * (a symbolic link, a file), or cannot be listed: nothing in it could be trusted
     */
    public List<Entry> all() {
        if (!stateDirectory.isUsable()) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(registryDirectory(), "*.json")) {
            for (Path file : files) {
                read(file).ifPresent(entries::add);
            }
        }
        catch (IOException ex) {
            throw refused("cannot be listed (" + ex.getMessage() + ")", ex);
        }
        entries.sort(Comparator.comparingLong((Entry entry) -> entry.instance().pid())
            .thenComparing(Entry::file));
        return entries;
    }

    private Path registryDirectory() {
        try {
            return stateDirectory.directory(DIRECTORY_NAME);
        }
        catch (NotDirectoryException ex) {
            throw refused("is a symbolic link or a file, not a directory", ex);
        }
        catch (IOException ex) {
            throw refused("cannot be used (" + ex.getMessage() + ")", ex);
        }
    }

    private StateDirectoryRefusedException refused(String why, IOException cause) {
        StateDirectoryRefusedException refused = new StateDirectoryRefusedException("Instance registry " + directory
                + " " + why + "; it is not read. Fix: remove " + directory + " (a new one is made, mode 700), "
                + "or move the file you meant to keep out of the way");
        refused.initCause(cause);
        return refused;
    }

    private Optional<Entry> read(Path file) {
        try {
            StateDirectory.FileRead read = StateDirectory.read(file, MAX_RECORD_BYTES);
            if (read.found() == StateDirectory.FileRead.Found.NOT_A_FILE) {
                warnOnce(file, "is not a regular file");
            }
            else if (read.found() == StateDirectory.FileRead.Found.TOO_LARGE) {
                warnOnce(file, "is larger than " + MAX_RECORD_BYTES + " bytes, too large to be a record");
            }
            if (read.found() != StateDirectory.FileRead.Found.CONTENT) {
                return Optional.empty(); // removed while listing, or a link: nobody's record, not followed
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(read.content())).toString();
            // the mapper only when there is a record to read: `ports check` on a port that no
            // registered server holds loads no JSON library (a few hundred classes, ~0.1 s of a CLI call)
            return Optional.of(new Entry(file, JsonMapper.shared().readValue(text, InstanceRecord.class)));
        }
        catch (CharacterCodingException ex) {
            warnOnce(file, "is not UTF-8");
            return Optional.empty();
        }
        catch (JacksonException ex) {
            warnOnce(file, "is not a record (torn by a crash, or edited)");
            return Optional.empty();
        }
        catch (IOException ex) {
            if (Files.isSymbolicLink(file)) {
                return Optional.empty(); // replaced by a link while listing: its target is not read
            }
            warnOnce(file, "cannot be read (" + ex.getMessage() + ")");
            return Optional.empty();
        }
    }

    private void warnOnce(Path file, String why) {
        if (reported.add(file)) {
            warnings.accept("Instance record " + file + " " + why + "; it is skipped. Fix: remove it if no server "
                    + "of yours runs under that pid");
        }
    }

    /**
     * Removes the entries that are not {@link Entry#isLive live} (servers that died without
     * removing theirs, reused pids, files not named after their pid) and returns them.
     * @throws StateDirectoryRefusedException as {@link #all} does
     */
    public List<Entry> removeStale() throws IOException {
        List<Entry> stale = all().stream().filter((entry) -> !entry.isLive()).toList();
        for (Entry entry : stale) {
            remove(entry);
        }
        return stale;
    }

    /** The registered servers whose process still runs (same pid and start time), from files named after them. */
    public List<InstanceRecord> live() {
        return all().stream().filter(Entry::isLive).map(Entry::instance).toList();
    }

    /**
     * Whether the process that wrote {@code instance} still runs: same pid, same start. The start
     * is compared in kernel ticks when the record has them and {@code /proc} says, as they do not
     * move when the wall clock steps; otherwise (an older record, no {@code /proc}) as an instant.
     */
    static boolean isAlive(InstanceRecord instance) {
        Optional<ProcessHandle> process = ProcessHandle.of(instance.pid()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        if (instance.startTicks() != null) {
            OptionalLong ticks = ProcessStart.ticks(instance.pid());
            if (ticks.isPresent()) {
                return ticks.getAsLong() == instance.startTicks();
            }
        }
        return instance.startTime() != null && process.get()
            .info()
            .startInstant()
            .map(started -> started.toEpochMilli() == instance.startTime().toEpochMilli())
            .orElse(false);
    }

    private static String fileName(long pid) {
        return pid + ".json";
    }

}
