package com.virtuoso.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.state.StateDirectoryRefusedException;

/**
 * The Prometheus file-based service discovery directory ({@code web_server.prometheus_targets_dir}):
 * one {@code <pid>.json} per running server, holding one {@link TargetGroup}, so that a Prometheus
 * with {@code file_sd_configs} on {@code <dir>/*.json} scrapes each server on whatever port it
 * serves.
 * <p>
 * A file is replaced whole (a temporary file in the same directory, then an atomic rename), and the
 * temporary file's name ({@code .<pid>.<random>.tmp}) never matches {@code *.json}: Prometheus,
 * which watches the directory, never reads half a file.
 * <p>
 * Modes: inside the state directory (the default, {@code <state_dir>/prometheus}) the files are as
 * private as the state directory (directories 0700, files 0600), and nothing is written when the
 * state directory is refused. Anywhere else the directory is one the operator chose for a
 * Prometheus that runs as a user of its own: the files hold nothing secret (an address, two port
 * numbers), so they are 0644, and a directory made here is 0755, whatever the umask.
 */
public final class PrometheusTargets {

    /** The directory's name in the state directory, when no other is configured. */
    public static final String DEFAULT_DIRECTORY_NAME = "prometheus";

    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = Set
        .copyOf(PosixFilePermissions.fromString("rwx------"));

    private static final Set<PosixFilePermission> PRIVATE_FILE = Set.copyOf(PosixFilePermissions.fromString("rw-------"));

    private static final Set<PosixFilePermission> SHARED_DIRECTORY = Set
        .copyOf(PosixFilePermissions.fromString("rwxr-xr-x"));

    private static final Set<PosixFilePermission> SHARED_FILE = Set.copyOf(PosixFilePermissions.fromString("rw-r--r--"));

    /** A file of a server; other files (the operator's own targets in a shared directory) are never touched. */
    private static final String UNKNOWN_WRITER = "unknown";

    /** A target file is a few hundred bytes; a larger one was not written by a server. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private static final Pattern SERVER_FILE = Pattern.compile("([0-9]{1,18})\\.json");

    private static final int GROUP_WRITE = 0020;

    private static final int OTHERS_WRITE = 0002;

    /** The temporary file {@link #write} renames into place: a crash between the two leaves it behind. */
    private static final Pattern TEMPORARY_FILE = Pattern.compile("\\.([0-9]{1,18})\\.[0-9]+\\.tmp");

    private final Path directory;

    private final StateDirectory stateDirectory;

    /** Whether the directory lies inside the state directory, and so shares its privacy and refusal. */
    private final boolean insideStateDirectory;

    private final JsonMapper json = JsonMapper.shared();

    /** Which machine and pid namespace this server writes from (see {@link TargetGroup#WRITER}). */
    private final String writer = writer();

    private PrometheusTargets(Path directory, StateDirectory stateDirectory, boolean insideStateDirectory) {
        this.directory = directory;
        this.stateDirectory = stateDirectory;
        this.insideStateDirectory = insideStateDirectory;
    }

    /**
     * The targets directory {@code configured}, or {@code <state_dir>/prometheus} when it is
     * {@code null}.
     */
    public static PrometheusTargets of(StateDirectory stateDirectory, String configured) {
        Path directory = directoryOf(stateDirectory.path(), configured);
        return new PrometheusTargets(directory, stateDirectory,
                directory.startsWith(stateDirectory.path().toAbsolutePath().normalize()));
    }

    /** The targets directory {@code configured}, or {@code <stateDirectory>/prometheus} when it is {@code null}. */
    public static Path directoryOf(Path stateDirectory, String configured) {
        return ((configured != null) ? Path.of(configured) : stateDirectory.resolve(DEFAULT_DIRECTORY_NAME))
            .toAbsolutePath()
            .normalize();
    }

    public Path directory() {
        return directory;
    }

    /** The file of the server with {@code pid}. */
    public Path fileOf(long pid) {
        return directory.resolve(pid + ".json");
    }

    /** Whether files are written here: not inside a refused state directory. */
    public boolean isUsable() {
        return !insideStateDirectory || stateDirectory.isUsable();
    }

    /** Writes where Prometheus finds the server {@code instance} describes, whole or not at all. */
    public void write(InstanceRecord instance) throws IOException {
        if (!isUsable()) {
            return;
        }
        createDirectory();
        byte[] content = json.writeValueAsBytes(List.of(TargetGroup.of(instance, writer)));
        Set<PosixFilePermission> mode = insideStateDirectory ? PRIVATE_FILE : SHARED_FILE;
        Path temporary = Files.createTempFile(directory, "." + instance.pid() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(mode));
        try {
            // the umask may have taken bits the mode gives; never through a link someone put in its place
            Files.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(mode);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true); // on disk before the rename makes it the file: never an empty one after a crash
            }
            Files.move(temporary, fileOf(instance.pid()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The directory's mode ({@code 0777}) when users other than its owner may write to it: another
     * user could then plant targets that Prometheus scrapes, sticky bit or not, and, without it,
     * replace this server's file too. Empty when only its owner may, or when the file system does
     * not say.
     */
    public Optional<String> writableByOthers() {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(directory, "unix:mode");
        }
        catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
            return Optional.empty(); // no directory yet, or no unix view on this platform: nothing to tell
        }
        boolean othersWrite = (mode & (GROUP_WRITE | OTHERS_WRITE)) != 0;
        return othersWrite ? Optional.of(String.format("%04o", mode & 07777)) : Optional.empty();
    }

    /** Removes the file of the server with {@code pid} (a link itself, never its target). */
    public void remove(long pid) throws IOException {
        if (isUsable()) {
            Files.deleteIfExists(fileOf(pid));
        }
    }

    /**
     * Removes the files of servers that died without removing theirs, and returns them. A file is
     * stale when no process runs under its pid, or when {@code registry} holds a record for that
     * pid that is not live (the pid was reused; the registry's own check) and the file was last
     * written before the process now under that pid started. A file of a pid that runs and that
     * the registry does not know (a server of another state directory sharing this directory)
     * is kept: a live server's file is never removed.
     * <p>
     * Read the registry here, before its stale entries are removed: without them a file of a
     * reused pid looks like another state directory's.
     */
    public List<Path> removeStale(InstanceRegistry registry) throws IOException {
        if (!isUsable() || !directoryExists()) {
            return List.of();
        }
        List<ServerFile> files = serverFiles();
        if (files.isEmpty()) {
            return List.of();
        }
        // read after listing: a server that wrote its file before the listing registered before it
        Map<Long, InstanceRegistry.Entry> registered = registered(registry);
        List<Path> removed = new ArrayList<>();
        for (ServerFile file : files) {
            if (isStale(file.pid(), file.path(), registered.get(file.pid()))) {
                Files.deleteIfExists(file.path());
                removed.add(file.path());
            }
        }
        return removed;
    }

    /**
     * The target files and the temporary files of servers, each with its writer's pid: a temporary
     * file is whole when a crash came between its write and its rename, and is proven this
     * writer's by the same rule as a target file.
     */
    private List<ServerFile> serverFiles() throws IOException {
        List<ServerFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path file : entries) {
                String fileName = file.getFileName().toString();
                Matcher name = SERVER_FILE.matcher(fileName);
                if (!name.matches()) {
                    name = TEMPORARY_FILE.matcher(fileName);
                }
                if (name.matches() && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(new ServerFile(Long.parseLong(name.group(1)), file));
                }
            }
        }
        return files;
    }

    /** The registry's records by pid; none when the registry cannot be read, which then keeps every file of a running pid. */
    private static Map<Long, InstanceRegistry.Entry> registered(InstanceRegistry registry) {
        Map<Long, InstanceRegistry.Entry> registered = new HashMap<>();
        try {
            for (InstanceRegistry.Entry entry : registry.all()) {
                if (entry.namedAfterItsPid()) {
                    registered.put(entry.instance().pid(), entry);
                }
            }
        }
        catch (StateDirectoryRefusedException ex) {
            // told where the registry itself is read (list, the server's own registration)
            return Map.of();
        }
        return registered;
    }

    private boolean isStale(long pid, Path file, InstanceRegistry.Entry entry) throws IOException {
        if (!writtenHere(file)) {
            return false; // another machine's, another container's, or the operator's: its pid means nothing here
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return true;
        }
        if (entry == null || entry.isLive()) {
            return false;
        }
        // the registry says the pid was reused; but another state directory's server under that pid may have written it since
        Optional<Instant> started = process.get().info().startInstant();
        return started.isPresent()
                && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(started.get());
    }

    /**
     * Whether {@code file} is a target file a server of this machine and pid namespace wrote:
     * owned by this user, and naming this namespace as its writer.
     */
    private boolean writtenHere(Path file) {
        if (writer.equals(UNKNOWN_WRITER)) {
            return false;
        }
        try {
            if (!Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(directory))
                    || Files.size(file) > MAX_FILE_BYTES) {
                return false;
            }
            TargetGroup[] groups = json.readValue(Files.readAllBytes(file), TargetGroup[].class);
            return groups.length == 1 && groups[0].labels() != null
                    && writer.equals(groups[0].labels().get(TargetGroup.WRITER));
        }
        catch (IOException | RuntimeException ex) {
            return false; // unreadable, or not a target file of ours: kept
        }
    }

    /**
     * This machine's boot id and this process's pid namespace: pids are unique within those two
     * only. Unknown where {@code /proc} does not say; then nothing is pruned.
     */
    private static String writer() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip() + "/"
                    + Files.readSymbolicLink(Path.of("/proc/self/ns/pid"));
        }
        catch (IOException | UnsupportedOperationException | SecurityException ex) {
            return UNKNOWN_WRITER;
        }
    }

    /**
     * Whether the directory is there: inside the state directory never through a symbolic link, as
     * nothing there is; elsewhere the operator's path is followed, as any path in the config.
     */
    private boolean directoryExists() {
        return insideStateDirectory ? Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                : Files.isDirectory(directory);
    }

    /** Creates the directory and its missing parents, as private as the state directory inside it, else 0755. */
    private void createDirectory() throws IOException {
        if (directoryExists()) {
            return;
        }
        Set<PosixFilePermission> mode = insideStateDirectory ? PRIVATE_DIRECTORY : SHARED_DIRECTORY;
        List<Path> missing = new ArrayList<>();
        for (Path path = directory; path != null && !Files.exists(path, LinkOption.NOFOLLOW_LINKS); path = path
            .getParent()) {
            missing.add(0, path);
        }
        for (Path path : missing) {
            try {
                Files.createDirectory(path, PosixFilePermissions.asFileAttribute(mode));
                Files.setPosixFilePermissions(path, mode); // the umask may have taken bits the mode gives
            }
            catch (FileAlreadyExistsException ex) {
                // made meanwhile by another server: checked below like any existing one
            }
        }
        if (!directoryExists()) {
            throw new NotDirectoryException(directory + (insideStateDirectory ? " (a symbolic link is not followed)" : ""));
        }
    }

    @Override
    public String toString() {
        return directory.toString();
    }

    /** A file a server writes, {@code <pid>.json} or its temporary file, and that server's pid. */
    private record ServerFile(long pid, Path path) {
    }

}
