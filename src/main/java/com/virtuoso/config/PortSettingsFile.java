package com.virtuoso.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Updates the port settings of a config file, whole or not at all: the file is checked before
 * (a malformed file is refused untouched), the result is checked after, the original is kept as
 * {@code <file>.bak}, and the new text replaces the file by an atomic rename under an OS file
 * lock, so that two updates at once leave one of them, never a mix.
 */
public final class PortSettingsFile {

    private final Path file;

    public PortSettingsFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    /**
     * What the update did.
     *
     * @param file the config file
     * @param backup the copy of the previous file, or {@code null} when there was none
     * @param oldPort the port before, or {@code null} when it was not set
     * @param newPort the port now
     */
    public record Change(Path file, Path backup, Integer oldPort, int newPort) {
    }

    /**
     * Sets {@code web_server.port} to {@code port}, and {@code web_server.fallback_ports} to
     * {@code fallbacks} unless it is null.
     * @throws MalformedYamlException when the file is not YAML; it is left untouched
     */
    public Change update(int port, List<Integer> fallbacks) throws IOException {
        Files.createDirectories(file.getParent());
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            boolean existed = Files.exists(file);
            String before = existed ? Files.readString(file, StandardCharsets.UTF_8) : "";
            Integer oldPort = port(parse(before));
            String after = PortSettingsText.apply(before, port, fallbacks);
            Object written = parse(after);
            if (!Integer.valueOf(port).equals(port(written))) {
                throw new IllegalStateException("Editing " + file + " did not set web_server.port to " + port
                        + "; the file was left as it was");
            }
            Path backup = null;
            if (existed) {
                backup = file.resolveSibling(file.getFileName() + ".bak");
                Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(temporary, after, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            finally {
                Files.deleteIfExists(temporary);
            }
            return new Change(file, backup, oldPort, port);
        }
    }

    private Object parse(String yaml) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        }
        catch (MarkedYAMLException ex) {
            throw new MalformedYamlException(new MalformedYaml(file.toString(), ex));
        }
    }

    private static Integer port(Object document) {
        if (document instanceof Map<?, ?> root) {
            Object block = root.containsKey("web_server") ? root.get("web_server") : root.get("web-server");
            if (block instanceof Map<?, ?> settings && settings.get("port") instanceof Integer port) {
                return port;
            }
        }
        return null;
    }

}
