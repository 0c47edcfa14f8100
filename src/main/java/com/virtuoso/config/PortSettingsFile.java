package com.virtuoso.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.OpenOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Updates the port settings of a config file, YAML or, by its name, {@code .properties}, whole or
 * not at all: the file is checked before (a malformed file is refused untouched), the result is
 * checked after, the original is kept as {@code <file>.<UTC time>.bak} (the newest
 * {@value #BACKUPS_KEPT} are kept, so that a few updates can be undone and none piles up; the one
 * {@code <file>.bak} that older versions kept counts as the oldest), and the new text replaces
 * the file by an atomic rename under an OS file lock, so that two updates at once leave one of
 * them, never a mix. The new file, the backup and the directory are forced to disk before the
 * rename, and the directory again after it: a crash at any point leaves the old file or the new
 * one, never an empty one, and an update that said it was done stays done.
 * <p>
 * The file keeps what it was. When the config path is a symbolic link (to a file that deployment
 * tooling manages elsewhere, say), the file it points to is edited and the link stays a link; the
 * lock file, the temporary file and the backups are beside that real file, so that two
 * updates through two different links still take the same lock, and the rename stays in one
 * directory. The new file and the backup get the old file's mode, group and owner: the
 * rename would otherwise give them those of whoever ran the update, which can make a {@code 0600}
 * secret world-readable or lock the server's user out of its own config.
 */
public final class PortSettingsFile {

    /** As many links as Linux follows before ELOOP. */
    private static final int MAX_LINKS = 40;

    /** How many backups an update keeps: enough to undo a few updates, not a growing pile. */
    static final int BACKUPS_KEPT = 5;

    /** UTC to the microsecond, so that the names sort as the times do. */
    private static final DateTimeFormatter BACKUP_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'")
        .withZone(ZoneOffset.UTC);

    private static final String BACKUP_SUFFIX = "\\.\\d{8}T\\d{6}\\.\\d{6}Z\\.bak";

    /** The line that starts a YAML document, and ends the one before. */
    private static final Pattern DOCUMENT_START = Pattern.compile("^---(\\s.*)?$");

    private static final Set<PosixFilePermission> PRIVATE_FILE = Set.copyOf(PosixFilePermissions.fromString("rw-------"));

    private static final Set<PosixFilePermission> GROUP_PERMISSIONS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE);

    private final Path file;

    public PortSettingsFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    /**
     * What the update did.
     *
     * @param file the file edited: the config file, or the file it links to
     * @param backup the copy of the previous file, or {@code null} when there was none
     * @param oldPort the port before, or {@code null} when it was not set
     * @param newPort the port now
     */
    public record Change(Path file, Path backup, Integer oldPort, int newPort) {
    }

    /**
     * The edited text of a whole file, and the port it replaced.
     *
     * @param text the new text
     * @param oldPort the port before, or {@code null} when it was not set as a number
     */
    record Edit(String text, Integer oldPort) {
    }

    /**
     * Sets {@code web_server.port} to {@code port}, and {@code web_server.fallback_ports} to
     * {@code fallbacks} unless it is null.
     * @throws MalformedYamlException when the file is not YAML; it is left untouched
     */
    public Change update(int port, List<Integer> fallbacks) throws IOException {
        return update(ConfigKeys.PREFIX + ".port", port, fallbacks);
    }

    /**
     * Sets {@code key} ({@code web-server.port}, or {@code server.port} where the file sets the
     * port with Spring's key) to {@code port}, and {@code web_server.fallback_ports} to
     * {@code fallbacks} unless it is null.
     * @throws MalformedYamlException when the file is not YAML; it is left untouched
     */
    public Change update(String key, int port, List<Integer> fallbacks) throws IOException {
        return update(key, port, fallbacks, null);
    }

    /**
     * As {@link #update(String, int, List)}, in the document that holds {@code line} (0-based, the
     * line of the value that supplies the port) when the file holds several YAML documents: that
     * document is the one the next start reads the port from. Without a line, a file of several
     * documents is refused, since which one to edit would be a guess.
     * @throws UnusableConfigFileException for several documents and no line
     */
    public Change update(String key, int port, List<Integer> fallbacks, Integer line) throws IOException {
        Path target = target();
        Files.createDirectories(target.getParent());
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileChannel channel = openLock(lockFile); FileLock lock = channel.lock()) {
            boolean existed = Files.exists(target);
            // the format is in the name Spring was given: a link's, not its target's
            boolean properties = ConfigFormat.of(file) == ConfigFormat.PROPERTIES;
            Charset charset = properties ? PropertiesText.CHARSET : StandardCharsets.UTF_8;
            Edit edit = properties
                    ? PortSettingsProperties.apply(existed ? Files.readString(target, charset) : "", key, port,
                            fallbacks, line, file)
                    : editYaml(existed ? ConfigText.read(target) : "", key, port, fallbacks, line, target);
            // created readable by its owner only, until it has the old file's attributes
            Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try {
                Files.write(temporary, edit.text().getBytes(charset));
                force(temporary);
                Path backup = null;
                if (existed) {
                    keepAttributes(target, temporary);
                    List<Path> stale = staleBackups(target);
                    // a legacy backup this update deletes needs no tightening, nor its owner's permission
                    if (!stale.contains(legacyBackup(target))) {
                        tightenLegacyBackup(target);
                    }
                    backup = backUp(target);
                    for (Path old : stale) {
                        Files.deleteIfExists(old);
                    }
                }
                // the new file and the backup are on disk, by name too, before the rename makes the change
                force(target.getParent());
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                // and the rename is, before the command says it is done
                force(target.getParent());
                return new Change(target, backup, edit.oldPort(), port);
            }
            finally {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * The YAML text with the port set, in the document that holds {@code line} when there are
     * several; checked: the port is set, and there are as many documents as before.
     */
    private Edit editYaml(String before, String key, int port, List<Integer> fallbacks, Integer line, Path target) {
        int documents = documents(before).size();
        String[] lines = before.split("(?<=\n)", -1);
        int first = 0;
        int end = lines.length;
        if (documents > 1) {
            if (line == null) {
                throw new UnusableConfigFileException(file + " holds " + documents + " YAML documents (separated "
                        + "by ---), and none of them sets the port, so which one to edit would be a guess. Fix: "
                        + "set the port by hand in the document the server uses. Nothing was changed.");
            }
            first = documentStart(lines, line);
            end = documentEnd(lines, line);
        }
        String document = String.join("", Arrays.asList(lines).subList(first, end));
        Integer oldPort = port(parse(document), key);
        String edited = PortSettingsText.apply(document, key, port, fallbacks);
        String after = String.join("", Arrays.asList(lines).subList(0, first)) + edited
                + String.join("", Arrays.asList(lines).subList(end, lines.length));
        try {
            if (Integer.valueOf(port).equals(port(parse(edited), key))
                    && documents(after).size() == Math.max(documents, 1)
                    && !wouldDoubleABlock(document, edited, key)) {
                return new Edit(after, oldPort);
            }
        }
        catch (MalformedYamlException ex) {
            // the file was YAML before the edit: it is the edit that is not
            throw cannotEditYaml(target, key, port, fallbacks, ex);
        }
        throw cannotEditYaml(target, key, port, fallbacks, null);
    }

    /**
     * Whether {@code edited} has a top-level key more often than {@code before} had it: a block
     * added below one the line editor did not recognise ({@code web_server: *defaults}), which a
     * reader that takes the last key would read, but a stricter one refuses. Or {@code before}
     * merges the block of {@code key} into its top level ({@code <<: *defaults}): a block added
     * beside the merged one replaces all of it, not just the port.
     */
    private static boolean wouldDoubleABlock(String before, String edited, String key) {
        Node root = compose(before);
        if (root instanceof MappingNode mapping && mapping.getValue()
            .stream()
            .filter((tuple) -> tuple.getKeyNode().getTag().equals(Tag.MERGE))
            .anyMatch((merge) -> supplies(merge.getValueNode(), key))) {
            return true;
        }
        Map<String, Long> was = topLevelKeys(root);
        return topLevelKeys(compose(edited)).entrySet()
            .stream()
            .anyMatch((entry) -> entry.getValue() > Math.max(1, was.getOrDefault(entry.getKey(), 0L)));
    }

    /** Whether the map (or list of maps) a merge key takes in has a top-level key of {@code key}'s block. */
    private static boolean supplies(Node merged, String key) {
        if (merged instanceof SequenceNode sequence) {
            return sequence.getValue().stream().anyMatch((item) -> supplies(item, key));
        }
        return merged instanceof MappingNode map && map.getValue()
            .stream()
            .map(NodeTuple::getKeyNode)
            .filter(ScalarNode.class::isInstance)
            .map((keyNode) -> ((ScalarNode) keyNode).getValue().replace('_', '-'))
            .anyMatch((name) -> (key + ".").startsWith(name + ".") || name.startsWith(key));
    }

    private static Node compose(String document) {
        return new Yaml(AnyTagConstructor.options()).compose(new StringReader(document));
    }

    private static Map<String, Long> topLevelKeys(Node root) {
        return (root instanceof MappingNode mapping) ? mapping.getValue()
            .stream()
            .map(NodeTuple::getKeyNode)
            .filter((keyNode) -> keyNode instanceof ScalarNode && !keyNode.getTag().equals(Tag.MERGE))
            .collect(Collectors.groupingBy((keyNode) -> ((ScalarNode) keyNode).getValue(), Collectors.counting()))
                : Map.of();
    }

    /**
     * An edit of the YAML lines that would not set the port as asked (a value written over several
     * lines, say): nothing was written, and the operator gets the settings to write by hand.
     */
    private static UnusableConfigFileException cannotEditYaml(Path target, String key, int port,
            List<Integer> fallbacks, Throwable cause) {
        String display = ConfigKeys.display(key);
        String settings = display + ": " + port + ((fallbacks != null)
                ? " and " + ConfigKeys.display(ConfigKeys.PREFIX + ".fallback-ports") + ": " + fallbacks : "");
        return new UnusableConfigFileException("Cannot set " + display + " to " + port + " in " + target
                + " by editing its lines: the edited file would not read back with that port, as when the value is "
                + "written over several lines or the block is an alias (web_server: *defaults). Fix: set " + settings
                + " in " + target + " by hand. Nothing was changed.",
                cause);
    }

    /**
     * Copies {@code target} to {@code <file>.<UTC time>.bak}, a new file: created 0600, never
     * through a link planted under that name, then given the original's attributes and forced to
     * disk. The time, to the microsecond, orders the backups by name; two updates in the same
     * microsecond take the next one.
     */
    private Path backUp(Path target) throws IOException {
        byte[] content = Files.readAllBytes(target);
        for (Instant time = Instant.now();; time = time.plus(1, ChronoUnit.MICROS)) {
            Path backup = target.resolveSibling(target.getFileName() + "." + BACKUP_TIME.format(time) + ".bak");
            try (FileChannel channel = FileChannel.open(backup,
                    Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PRIVATE_FILE))) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            catch (FileAlreadyExistsException ex) {
                continue; // an update in the same microsecond took this name: the next one is free
            }
            keepAttributes(target, backup);
            return backup;
        }
    }

    /**
     * The backups of {@code target} an update deletes, told before it makes its own: all but the
     * newest {@value #BACKUPS_KEPT}{@code - 1}, so that with the one it makes {@value #BACKUPS_KEPT}
     * are left. Told before, the backup it makes is never among them, even when the wall clock
     * stepped back and its name sorts oldest: it holds the file as it was before this update. The
     * single {@code <file>.bak} of older versions holds a state before every timestamped backup:
     * it is the oldest, kept while it is among the newest, an undo step like the others. A link
     * under any of these names is neither followed nor deleted.
     */
    private static List<Path> staleBackups(Path target) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(target.getFileName().toString()) + BACKUP_SUFFIX);
        List<Path> backups = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            siblings.filter((sibling) -> name.matcher(sibling.getFileName().toString()).matches())
                .filter((sibling) -> Files.isRegularFile(sibling, LinkOption.NOFOLLOW_LINKS))
                .sorted(Comparator.comparing((Path sibling) -> sibling.getFileName().toString()).reversed())
                .forEach(backups::add);
        }
        Path legacy = legacyBackup(target);
        if (Files.isRegularFile(legacy, LinkOption.NOFOLLOW_LINKS)) {
            backups.add(legacy);
        }
        return List.copyOf(backups.subList(Math.min(BACKUPS_KEPT - 1, backups.size()), backups.size()));
    }

    /** The one backup older versions kept, overwritten by each update. */
    private static Path legacyBackup(Path target) {
        return target.resolveSibling(target.getFileName() + ".bak");
    }

    /**
     * Takes from the backup older versions kept every permission the file lacks, as a new backup
     * has (they left it as the umask made it, often world-readable), and its group permissions when
     * its group is not the file's: that group may not read the file. Its owner and group stay. Done
     * before anything else is written: a backup that cannot be tightened (another user's) stops the
     * update with nothing changed, rather than stay readable while the update says it kept the file
     * private.
     */
    private static void tightenLegacyBackup(Path target) throws IOException {
        Path legacy = legacyBackup(target);
        // never through a link: a link under that name is not ours to change
        PosixFileAttributeView legacyView = Files.getFileAttributeView(legacy, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView targetView = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (!Files.isRegularFile(legacy, LinkOption.NOFOLLOW_LINKS) || legacyView == null || targetView == null) {
            return; // none, or not a POSIX file system: no mode to tighten
        }
        PosixFileAttributes legacyAttributes = legacyView.readAttributes();
        PosixFileAttributes targetAttributes = targetView.readAttributes();
        Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        mode.addAll(legacyAttributes.permissions());
        mode.retainAll(targetAttributes.permissions());
        if (!legacyAttributes.group().equals(targetAttributes.group())) {
            mode.removeAll(GROUP_PERMISSIONS);
        }
        if (!mode.equals(legacyAttributes.permissions())) {
            try {
                legacyView.setPermissions(mode);
            }
            catch (FileSystemException ex) {
                throw new UpdateRefusedException("Cannot make " + legacy + ", the backup older versions kept, no more "
                        + "readable than " + target + " (" + ex.getReason() + "); nothing was changed. Fix: remove "
                        + legacy + " or run the update as its owner", ex);
            }
        }
    }

    /** Forces a file, or a directory's entries, to disk: a crash after this loses neither. */
    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Opens the lock file, created 0600: it is never opened through a symbolic link, since a link
     * planted in its place would make the update create or write the file it points to.
     */
    private static FileChannel openLock(Path lockFile) throws IOException {
        try {
            return FileChannel.open(lockFile,
                    Set.<OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        }
        catch (IOException ex) {
            if (Files.isSymbolicLink(lockFile)) {
                throw new UpdateRefusedException("Lock file " + lockFile + " is a symbolic link (to "
                        + Files.readSymbolicLink(lockFile) + "); it is not followed and nothing was changed. Fix: "
                        + "remove " + lockFile + ", then run the update again", ex);
            }
            throw ex;
        }
    }

    /**
     * The file to edit: the config file itself, or, through any symbolic links, the file they
     * point to, even when that does not exist yet (the update then creates it, and the link
     * stays a link).
     */
    private Path target() throws IOException {
        if (Files.exists(file)) {
            return file.toRealPath();
        }
        Path target = file;
        for (int links = 0; Files.isSymbolicLink(target); links++) {
            if (links == MAX_LINKS) {
                throw new FileSystemException(file.toString(), null, "Too many levels of symbolic links");
            }
            target = target.resolveSibling(Files.readSymbolicLink(target));
        }
        return target;
    }

    /**
     * Gives {@code copy}, created 0600, the group, owner and mode of {@code original}: in that
     * order, so that the config is never readable under a group it did not have (the mode first
     * would open a {@code 0640} file to the group of whoever runs the update), and since after a
     * change of owner only root could change the rest, the mode is set by the same process that
     * still may. An owner or group that cannot be kept (the update runs as another user, not root)
     * stops the update before anything changed.
     */
    private static void keepAttributes(Path original, Path copy) throws IOException {
        PosixFileAttributeView originalView = Files.getFileAttributeView(original, PosixFileAttributeView.class);
        PosixFileAttributeView copyView = Files.getFileAttributeView(copy, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (originalView == null || copyView == null) {
            return; // not a POSIX file system: no mode or owner to keep
        }
        PosixFileAttributes wanted = originalView.readAttributes();
        PosixFileAttributes current = copyView.readAttributes();
        try {
            if (!current.group().equals(wanted.group())) {
                copyView.setGroup(wanted.group());
            }
            if (!current.owner().equals(wanted.owner())) {
                copyView.setOwner(wanted.owner());
            }
        }
        catch (FileSystemException ex) {
            throw new UpdateRefusedException("Cannot keep the owner " + wanted.owner().getName() + " and group "
                    + wanted.group().getName() + " of " + original + " (" + ex.getReason() + "); nothing was changed. "
                    + "Fix: run the update as " + wanted.owner().getName() + " or root", ex);
        }
        copyView.setPermissions(wanted.permissions());
    }

    /**
     * The update was refused for want of permission, and nothing was changed: the message names the
     * file and the fix, for the operator, who can act on it ({@code EX_NOPERM}, not a failure of ours).
     */
    public static final class UpdateRefusedException extends IOException {

        /** sysexits.h EX_NOPERM. */
        public static final int EXIT_CODE = 77;

        UpdateRefusedException(String message, IOException cause) {
            super(message, cause);
        }

    }

    /** The first line of the document that holds {@code line}: the one after its {@code ---}. */
    private static int documentStart(String[] lines, int line) {
        for (int i = Math.min(line, lines.length - 1); i >= 0; i--) {
            if (DOCUMENT_START.matcher(lines[i].stripTrailing()).matches()) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The line after the document that holds {@code line}: the next {@code ---}, or the end. */
    private static int documentEnd(String[] lines, int line) {
        for (int i = line + 1; i < lines.length; i++) {
            if (DOCUMENT_START.matcher(lines[i].stripTrailing()).matches()) {
                return i;
            }
        }
        return lines.length;
    }

    /** The one document of {@code yaml} (a part of a file, or all of it). */
    private Object parse(String yaml) {
        List<Object> documents = documents(yaml);
        return documents.isEmpty() ? null : documents.get(0);
    }

    private List<Object> documents(String yaml) {
        try {
            List<Object> documents = new ArrayList<>();
            new Yaml(new AnyTagConstructor()).loadAll(yaml).forEach(documents::add);
            return documents;
        }
        catch (MarkedYAMLException ex) {
            throw new MalformedYamlException(new MalformedYaml(file.toString(), ex));
        }
    }

    /**
     * The port {@code key} sets in {@code document}: in its block ({@code server: port:}) or with
     * a dotted name ({@code server.port:}); when both are there, the later one, as Spring reads it.
     */
    private static Integer port(Object document, String key) {
        Object port = null;
        if (document instanceof Map<?, ?> root) {
            for (Map.Entry<?, ?> entry : root.entrySet()) {
                String name = String.valueOf(entry.getKey()).replace('_', '-');
                if (name.equals(key)) {
                    port = entry.getValue();
                }
                else if (key.equals(name + ".port") && entry.getValue() instanceof Map<?, ?> block
                        && block.containsKey("port")) {
                    port = block.get("port");
                }
            }
        }
        return (port instanceof Integer number) ? number : null;
    }

}
