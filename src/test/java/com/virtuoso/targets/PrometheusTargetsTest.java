package com.virtuoso.targets;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.state.StateDirectory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus target files on a real file system: what they say, how they are replaced, who
 * may read them, and which ones a start or {@code ports list} removes.
 */
class PrometheusTargetsTest {

    private static final ProcessHandle self = ProcessHandle.current();

    @TempDir
    Path directory;

    @Test
    void theFileSaysWhereToScrapeAndWhetherTheServerFellBack() throws Exception {
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")), null);
        targets.write(record(self.pid(), "127.0.0.1", 8002, 8000));
        Path file = directory.resolve("state/prometheus/" + self.pid() + ".json");
        assertThat(targets.fileOf(self.pid())).isEqualTo(file);
        // the writer label (this machine's boot id and pid namespace) sorts first; Prometheus drops it
        assertThat(Files.readString(file))
            .matches("\\[\\{\"targets\":\\[\"127.0.0.1:8002\"],\"labels\":\\{\"__virtuoso_writer\":\"[0-9a-f-]+/pid:\\[\\d+]\","
                    + "\"fell_back\":\"true\",\"primary_port\":\"8000\"}}]");

        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        JsonNode group = JsonMapper.shared().readTree(file.toFile()).get(0);
        assertThat(group.get("targets")).extracting(JsonNode::asString).containsExactly("127.0.0.1:8000");
        assertThat(group.get("labels").get("fell_back").asString()).isEqualTo("false");
    }

    @Test
    void aWildcardAddressIsScrapedOnTheLoopbackOfItsFamilyAndIpv6IsInBrackets() {
        assertThat(target("0.0.0.0")).isEqualTo("127.0.0.1:8000");
        assertThat(target("0:0:0:0:0:0:0:0")).isEqualTo("[::1]:8000");
        assertThat(target("::")).isEqualTo("[::1]:8000");
        assertThat(target("0:0:0:0:0:0:0:1")).isEqualTo("[0:0:0:0:0:0:0:1]:8000");
        assertThat(target("fd00:0:0:0:0:0:0:7")).isEqualTo("[fd00:0:0:0:0:0:0:7]:8000");
        assertThat(target("192.168.1.5")).isEqualTo("192.168.1.5:8000");
    }

    private static String target(String host) {
        return TargetGroup.of(record(1, host, 8000, 8000), "writer").targets().get(0);
    }

    @Test
    void aRewriteReplacesTheFileWholeAndNoHalfWrittenFileIsEverNamedLikeATarget() throws Exception {
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")), null);
        targets.write(record(self.pid(), "127.0.0.1", 8002, 8000));
        Path file = targets.fileOf(self.pid());
        Object inode = Files.getAttribute(file, "unix:ino");
        List<String> created = new ArrayList<>();
        // Prometheus watches the directory with inotify too: whatever it could see appear is here
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            targets.directory()
                .register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
            boolean fileSeen = false;
            while (!fileSeen) {
                WatchKey key = watch.poll(10, TimeUnit.SECONDS);
                assertThat(key).as("the rewrite was seen").isNotNull();
                for (WatchEvent<?> event : key.pollEvents()) {
                    fileSeen |= event.context().toString().equals(file.getFileName().toString());
                    if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                        created.add(event.context().toString());
                    }
                }
                key.reset();
            }
        }
        // replaced by a rename, not written in place: a reader has the old file or the new one
        assertThat(Files.getAttribute(file, "unix:ino")).as("inode after the rewrite").isNotEqualTo(inode);
        PathMatcher prometheusGlob = FileSystems.getDefault().getPathMatcher("glob:*.json");
        assertThat(created).hasSizeGreaterThan(1)
            .filteredOn((name) -> !name.equals(file.getFileName().toString()))
            .allSatisfy((name) -> assertThat(prometheusGlob.matches(Path.of(name))).as(name).isFalse());
        assertThat(Files.readString(file)).contains("127.0.0.1:8000");
        try (var left = Files.list(targets.directory())) {
            assertThat(left).extracting(Path::getFileName).extracting(Path::toString)
                .containsExactly(self.pid() + ".json");
        }
    }

    @Test
    void removeTakesOnlyThisServersFile() throws Exception {
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")), null);
        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        Path other = Files.writeString(targets.directory().resolve("42.json"), "[]");
        targets.remove(self.pid());
        targets.remove(self.pid());
        assertThat(targets.fileOf(self.pid())).doesNotExist();
        assertThat(other).exists();
    }

    @Test
    void insideTheStateDirectoryTheFilesAreAsPrivateAsIt() throws Exception {
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")), null);
        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        assertThat(mode(targets.directory())).isEqualTo("rwx------");
        assertThat(mode(targets.fileOf(self.pid()))).isEqualTo("rw-------");
    }

    @Test
    void elsewhereTheFilesAreReadableByPrometheussUser() throws Exception {
        Path shared = directory.resolve("srv/prometheus/virtuoso");
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")),
                shared.toString());
        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        assertThat(targets.directory()).isEqualTo(shared);
        assertThat(mode(shared)).isEqualTo("rwxr-xr-x");
        assertThat(mode(shared.getParent())).isEqualTo("rwxr-xr-x");
        assertThat(mode(targets.fileOf(self.pid()))).isEqualTo("rw-r--r--");
    }

    @Test
    void aRefusedStateDirectoryGetsNoFileButAnotherDirectoryStillDoes() throws Exception {
        Path state = Files.createDirectory(directory.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        StateDirectory refused = StateDirectory.open(state);
        assertThat(refused.isUsable()).isFalse();
        PrometheusTargets inside = PrometheusTargets.of(refused, null);
        inside.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        assertThat(state.resolve("prometheus")).doesNotExist();
        PrometheusTargets elsewhere = PrometheusTargets.of(refused, directory.resolve("targets").toString());
        elsewhere.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        assertThat(elsewhere.fileOf(self.pid())).exists();
    }

    @Test
    void removeStaleKeepsFilesItDidNotWriteHereWhateverTheirName() throws Exception {
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")), null);
        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        long dead = deadPid();
        // the operator's node exporter, and a file another container (another pid namespace) wrote
        Path operators = Files.writeString(targets.directory().resolve(dead + ".json"),
                "[{\"targets\":[\"localhost:9100\"],\"labels\":{}}]");
        Path elsewhere = Files.writeString(targets.directory().resolve((dead + 1) + ".json"),
                "[{\"targets\":[\"127.0.0.1:8000\"],\"labels\":{\"__virtuoso_writer\":\"other-boot/pid:[1]\","
                        + "\"fell_back\":\"false\",\"primary_port\":\"8000\"}}]");
        assertThat(targets.removeStale(new InstanceRegistry(StateDirectory.open(directory.resolve("state")))))
            .isEmpty();
        assertThat(operators).exists();
        assertThat(elsewhere).exists();
    }

    @Test
    void removeStaleTakesTheFilesOfDeadServersAndNeverALiveOne() throws Exception {
        StateDirectory state = StateDirectory.open(directory.resolve("state"));
        InstanceRegistry registry = new InstanceRegistry(state);
        PrometheusTargets targets = PrometheusTargets.of(state, null);
        long dead = deadPid();
        long unregistered = self.parent().orElseThrow().pid(); // runs, and this registry does not know it
        registry.register(record(self.pid(), "127.0.0.1", 8000, 8000));
        registry.register(record(dead, "127.0.0.1", 8001, 8000));
        for (long pid : List.of(self.pid(), dead, unregistered)) {
            targets.write(record(pid, "127.0.0.1", 8000, 8000));
        }
        long deadUnregistered = deadPid();
        targets.write(record(deadUnregistered, "127.0.0.1", 8000, 8000));
        Path operators = Files.writeString(targets.directory().resolve("static.json"), "[]");

        assertThat(targets.removeStale(registry)).containsExactlyInAnyOrder(targets.fileOf(dead),
                targets.fileOf(deadUnregistered));
        assertThat(targets.fileOf(self.pid())).exists();
        assertThat(targets.fileOf(unregistered)).exists();
        assertThat(operators).exists();
        assertThat(registry.all()).hasSize(2); // the registry's own entries are the registry's to remove
    }

    @Test
    void aFileOfAReusedPidIsRemovedUnlessItWasWrittenSinceThatProcessStarted() throws Exception {
        StateDirectory state = StateDirectory.open(directory.resolve("state"));
        InstanceRegistry registry = new InstanceRegistry(state);
        PrometheusTargets targets = PrometheusTargets.of(state, null);
        ProcessHandle reusing = self.parent().orElseThrow();
        Instant started = reusing.info().startInstant().orElseThrow();
        // the registry knows the pid from a server that started an hour before the process now under it
        registry.register(new InstanceRecord(reusing.pid(), started.minusSeconds(3600), "127.0.0.1", 8001, 8000,
                "test", "/", null));
        Path file = targets.fileOf(reusing.pid());

        // written since that process started: another state directory's server under that pid
        targets.write(record(reusing.pid(), "127.0.0.1", 8000, 8000));
        assertThat(targets.removeStale(registry)).isEmpty();
        assertThat(file).exists();

        // written before it started: left by the dead server
        Files.setLastModifiedTime(file, FileTime.from(started.minusSeconds(60)));
        assertThat(targets.removeStale(registry)).containsExactly(file);
        assertThat(file).doesNotExist();
    }

    @Test
    void removeStaleTakesTheTemporaryFileADeadServerLeftBetweenWriteAndRenameAndOnlyThat() throws Exception {
        StateDirectory state = StateDirectory.open(directory.resolve("state"));
        PrometheusTargets targets = PrometheusTargets.of(state, null);
        long dead = deadPid();
        // a crash between the write and the rename: the whole file, under its temporary name
        targets.write(record(dead, "127.0.0.1", 8000, 8000));
        Path left = Files.move(targets.fileOf(dead), targets.directory().resolve("." + dead + ".4242424242.tmp"));
        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        Path writing = Files.move(targets.fileOf(self.pid()),
                targets.directory().resolve("." + self.pid() + ".17.tmp"));
        Path operators = Files.writeString(targets.directory().resolve("." + dead + ".18.tmp"), "half a fi");
        assertThat(targets.removeStale(new InstanceRegistry(state))).containsExactly(left);
        assertThat(left).doesNotExist();
        assertThat(writing).exists();
        assertThat(operators).exists();
    }

    @Test
    void aDirectoryOthersMayWriteToIsToldStickyOrNot() throws Exception {
        PrometheusTargets targets = PrometheusTargets.of(StateDirectory.open(directory.resolve("state")),
                directory.resolve("targets").toString());
        assertThat(targets.writableByOthers()).isEmpty(); // not made yet
        targets.write(record(self.pid(), "127.0.0.1", 8000, 8000));
        assertThat(targets.writableByOthers()).isEmpty(); // 0755, as made here
        chmod("0775", targets.directory());
        assertThat(targets.writableByOthers()).contains("0775");
        chmod("0777", targets.directory());
        assertThat(targets.writableByOthers()).contains("0777");
        // sticky: others cannot replace this server's file, but they can still plant targets of their own
        chmod("1777", targets.directory());
        assertThat(targets.writableByOthers()).contains("1777");
    }

    private static void chmod(String mode, Path path) throws Exception {
        // the sticky bit is out of java.nio's reach
        Process chmod = new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start();
        assertThat(chmod.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(chmod.exitValue()).isZero();
    }

    private static long deadPid() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return finished.pid();
    }

    private static InstanceRecord record(long pid, String host, int port, int primary) {
        Instant started = ProcessHandle.of(pid)
            .flatMap((process) -> process.info().startInstant())
            .orElse(Instant.EPOCH);
        return new InstanceRecord(pid, started, host, port, primary, "test", "/", null);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

}
