package com.virtuoso.instances;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running servers of this state directory: one {@code instances/<pid>.json} per server,
 * written when it starts listening and removed when it stops. A server that was killed leaves its
 * file behind; readers tell such stale entries apart by pid and process start time.
 */
public final class InstanceRegistry {

    private final Path directory;

    private final JsonMapper json = JsonMapper.shared();

    public InstanceRegistry(Path stateDirectory) {
        this.directory = stateDirectory.resolve("instances");
    }

    public Path fileOf(long pid) {
        return directory.resolve(pid + ".json");
    }

    /** Writes the record of a server, whole or not at all. */
    public void register(InstanceRecord instance) throws IOException {
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, instance.pid() + ".", ".tmp");
        try {
            Files.writeString(temporary, json.writeValueAsString(instance));
            Files.move(temporary, fileOf(instance.pid()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    public void remove(long pid) throws IOException {
        Files.deleteIfExists(fileOf(pid));
    }

    /** Every registered server, live or stale, by pid; unreadable files are left out. */
    public List<InstanceRecord> all() {
        List<InstanceRecord> instances = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                try {
                    instances.add(json.readValue(Files.readString(file), InstanceRecord.class));
                }
                catch (JacksonException | NoSuchFileException ex) {
                    // half-written by a crashed writer, or removed while listing: not a live server
                }
            }
        }
        catch (NoSuchFileException ex) {
            return List.of();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the instance registry " + directory, ex);
        }
        instances.sort(Comparator.comparingLong(InstanceRecord::pid));
        return instances;
    }

    /** The registered servers whose process still runs (same pid and start time). */
    public List<InstanceRecord> live() {
        return all().stream().filter(InstanceRegistry::isAlive).toList();
    }

    /** Whether the process that wrote {@code instance} still runs: same pid, same start time. */
    public static boolean isAlive(InstanceRecord instance) {
        return ProcessHandle.of(instance.pid())
            .filter(ProcessHandle::isAlive)
            .flatMap(process -> process.info().startInstant())
            .map(started -> started.toEpochMilli() == instance.startTime().toEpochMilli())
            .orElse(false);
    }

}
