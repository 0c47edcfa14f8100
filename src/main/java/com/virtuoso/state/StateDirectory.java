package com.virtuoso.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * The state directory ({@code web_server.state_dir}): the instance registry and the conflict
 * history. What is read there decides which process {@code ports auto-fix} stops, so the
 * directory must be the user's alone. {@link #open Opening} it decides once whether it is used:
 * <ul>
 * <li>missing: it is created, mode 0700;</li>
 * <li>a real directory of the user that group and others cannot write: it is used, and tightened
 * to 0700 when they may read or enter it (0755, as older versions left it);</li>
 * <li>a symbolic link, not a directory, another user's, or writable by group or others: it is
 * refused. A directory others could write may already hold files they planted, which tightening
 * would not remove: the operator looks, and then runs the fix the refusal names.</li>
 * </ul>
 * Only the last component is checked: the parents are the operator's choice, as for any path in
 * the config. What is created inside is private (files 0600, directories 0700), and nothing
 * inside is opened through a symbolic link.
 * <p>
 * A refused directory is not an error of the server: it runs on, and the registry and history
 * built on the directory record nothing and read empty.
 */
public final class StateDirectory {

    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = Set
        .copyOf(PosixFilePermissions.fromString("rwx------"));

    private static final Set<PosixFilePermission> PRIVATE_FILE = Set.copyOf(PosixFilePermissions.fromString("rw-------"));

    private static final Set<PosixFilePermission> WRITE_BY_OTHERS = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private final Path path;

    private final String refusal;

    private StateDirectory(Path path, String refusal) {
        this.path = path;
        this.refusal = refusal;
    }

    /**
     * Opens {@code path} for the user running this process: creates it, tightens it, or tells
     * why it is not used. Never throws: an I/O failure is a refusal too.
     */
    public static StateDirectory open(Path path) {
        try {
            createIfMissing(path);
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            String refusal = refusal(path, attributes);
            if (refusal != null) {
                return new StateDirectory(path, refusal);
            }
            if (!attributes.permissions().equals(PRIVATE_DIRECTORY)) {
                makePrivate(path, PRIVATE_DIRECTORY);
            }
            return new StateDirectory(path, null);
        }
        catch (UnsupportedOperationException ex) {
            return new StateDirectory(path, "State directory " + path + " is on a file system without POSIX "
                    + "permissions, so it cannot be kept private; it is not used. Fix: set web_server.state_dir to a "
                    + "directory on a POSIX file system");
        }
        catch (IOException ex) {
            return new StateDirectory(path, "State directory " + path + " cannot be used: " + describe(ex)
                    + ". Fix: set web_server.state_dir to a directory you can create and write, then chmod 700 it");
        }
    }

    public Path path() {
        return path;
    }

    /** Whether the registry and the history may live here. */
    public boolean isUsable() {
        return refusal == null;
    }

    /** Why the directory is not used, naming it and the fix; empty when it is used. */
    public Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * This directory, for a command that cannot do without it.
     * @throws StateDirectoryRefusedException when it is refused
     */
    public StateDirectory requireUsable() {
        if (refusal != null) {
            throw new StateDirectoryRefusedException(refusal);
        }
        return this;
    }

    /** The directory {@code name} inside, created 0700 or tightened to it; never a symbolic link. */
    public Path directory(String name) throws IOException {
        Path directory = path.resolve(name);
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        }
        catch (FileAlreadyExistsException ex) {
            // made by an earlier run: checked below like a new one
        }
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new NotDirectoryException(directory + " (a symbolic link is not followed)");
        }
        if (!attributes.permissions().equals(PRIVATE_DIRECTORY)) {
            makePrivate(directory, PRIVATE_DIRECTORY);
        }
        return directory;
    }

    /** A new empty file in {@code directory}, 0600, for an atomic replace. */
    public Path createTempFile(Path directory, String prefix, String suffix) throws IOException {
        FileAttribute<Set<PosixFilePermission>> privateFile = PosixFilePermissions.asFileAttribute(PRIVATE_FILE);
        return Files.createTempFile(directory, prefix, suffix, privateFile);
    }

    /**
     * Opens the lock file {@code name} inside for writing, created 0600 or tightened to it.
     * @throws FileSystemException when {@code name} is there but not a regular file: opening a
     * FIFO for writing would wait for a reader forever
     */
    public FileChannel openLock(String name) throws IOException {
        Path file = path.resolve(name);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(file.toString(), null, "not a regular file; remove it");
        }
        FileChannel channel = FileChannel.open(file,
                Set.<OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        try {
            if (!Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE_FILE)) {
                makePrivate(file, PRIVATE_FILE); // left 0644 by an older version
            }
        }
        catch (IOException | RuntimeException ex) {
            channel.close();
            throw ex;
        }
        return channel;
    }

    /**
     * What a file of the state directory holds, read without following a symbolic link (someone
     * else put it there; its target is not ours) and never past {@code maxBytes}, so that a huge
     * file or a FIFO planted where a record should be costs nothing.
     * @param file the file
     * @param maxBytes the most a file of this kind can hold
     * @return what was found
     * @throws IOException when the file is there but cannot be read
     */
    public static FileRead read(Path file, long maxBytes) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                return new FileRead(FileRead.Found.LINK, null);
            }
            if (!attributes.isRegularFile()) {
                return new FileRead(FileRead.Found.NOT_A_FILE, null); // not opened: a FIFO would block
            }
            byte[] content;
            try (InputStream input = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                content = input.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
            return (content.length > maxBytes) ? new FileRead(FileRead.Found.TOO_LARGE, null)
                    : new FileRead(FileRead.Found.CONTENT, content);
        }
        catch (NoSuchFileException ex) {
            return new FileRead(FileRead.Found.NONE, null);
        }
    }

    /**
     * What {@link #read} found.
     *
     * @param found what the file is
     * @param content its bytes, for {@link Found#CONTENT}; {@code null} otherwise
     */
    public record FileRead(Found found, byte[] content) {

        /** What a file of the state directory turned out to be. */
        public enum Found {

            /** No such file. */
            NONE,

            /** A symbolic link: not followed. */
            LINK,

            /** A directory, a FIFO or another non-regular file: not opened. */
            NOT_A_FILE,

            /** Larger than a file of its kind can be: not read. */
            TOO_LARGE,

            /** Read whole. */
            CONTENT

        }

    }

    @Override
    public String toString() {
        return path + ((refusal != null) ? " (refused)" : "");
    }

    private static void createIfMissing(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        }
        catch (FileAlreadyExistsException ex) {
            // it exists, maybe as a link or another user's: open() checks it as it finds it
        }
    }

    /** Why {@code path} is not used, or {@code null}; the order is the order an operator fixes them in. */
    private static String refusal(Path path, PosixFileAttributes attributes) throws IOException {
        if (attributes.isSymbolicLink()) {
            return "State directory " + path + " is a symbolic link (to " + Files.readSymbolicLink(path)
                    + "); it is not used, so that nobody can redirect the registry and the history. Fix: set "
                    + "web_server.state_dir to the real directory, then chmod 700 it";
        }
        if (!attributes.isDirectory()) {
            return "State directory " + path + " is not a directory; it is not used. Fix: set web_server.state_dir "
                    + "to a directory, or mkdir -m 700 it in its place";
        }
        Object ownerUid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Optional<Object> processUid = processUid();
        boolean own = processUid.isPresent() ? ownerUid.equals(processUid.get())
                : attributes.owner().equals(userByName(path));
        if (!own) {
            String user = processUid.map(String::valueOf).orElse(System.getProperty("user.name"));
            return "State directory " + path + " belongs to " + attributes.owner().getName() + ", not to "
                    + userName() + "; it is not used. Fix: chown " + user + " " + path + " && chmod 700 "
                    + path + ", or set web_server.state_dir to a directory of your own";
        }
        if (attributes.permissions().stream().anyMatch(WRITE_BY_OTHERS::contains)) {
            return "State directory " + path + " is writable by group or others ("
                    + PosixFilePermissions.toString(attributes.permissions()) + "), so its records could be "
                    + "planted; it is not used. Fix: chmod 700 " + path;
        }
        return null;
    }

    /**
     * The uid this process runs as, read from {@code /proc/self}, whose owner it is: the numeric
     * owner is compared, since a uid without a passwd entry (in a container) has no name to look
     * up. Empty where there is no {@code /proc}, such as on macOS.
     */
    private static Optional<Object> processUid() throws IOException {
        Path self = Path.of("/proc/self");
        if (!Files.isDirectory(self)) {
            return Optional.empty();
        }
        return Optional.of(Files.getAttribute(self, "unix:uid"));
    }

    private static UserPrincipal userByName(Path path) throws IOException {
        return path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(userName());
    }

    private static String userName() {
        return System.getProperty("user.name");
    }

    private static void makePrivate(Path path, Set<PosixFilePermission> permissions) throws IOException {
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(permissions);
    }

    private static String describe(IOException ex) {
        if (ex instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (ex instanceof FileSystemException failure && failure.getReason() != null) {
            return failure.getFile() + ": " + failure.getReason();
        }
        return ex.toString();
    }

}
