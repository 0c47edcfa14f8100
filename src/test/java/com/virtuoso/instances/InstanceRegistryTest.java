package com.virtuoso.instances;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.ProcessStart;
import com.virtuoso.state.StateDirectory;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceRegistryTest {

    @TempDir
    Path state;

    @Test
    void aRunningProcessWithTheSameStartTimeIsLive() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow()));
        assertThat(Files.exists(state.resolve("instances/" + self.pid() + ".json"))).isTrue();
        assertThat(registry.live()).extracting(InstanceRecord::pid).containsExactly(self.pid());
        assertThat(registry.all()).allMatch(InstanceRegistry.Entry::isLive);
        registry.remove(self.pid());
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void anEntryThatIsNotARegularFileIsSkippedAndReportedOnce() throws Exception {
        List<String> warnings = new ArrayList<>();
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state), warnings::add);
        ProcessHandle self = ProcessHandle.current();
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow()));
        Path notAFile = Files.createDirectory(state.resolve("instances/123.json"));
        assertThat(registry.all()).extracting((entry) -> entry.instance().pid()).containsExactly(self.pid());
        assertThat(registry.live()).extracting(InstanceRecord::pid).containsExactly(self.pid());
        assertThat(warnings).singleElement()
            .asString()
            .startsWith("Instance record " + notAFile + " is not a regular file; it is skipped");
    }

    @Test
    void aDeadProcessIsStale() throws Exception {
        Process finished = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        Instant started = finished.info().startInstant().orElse(Instant.now());
        assertThat(finished.waitFor(60, TimeUnit.SECONDS)).isTrue();
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        registry.register(record(finished.pid(), started));
        assertThat(registry.live()).isEmpty();
        assertThat(pids(registry)).containsExactly(finished.pid());
        assertThat(registry.all().get(0).isLive()).isFalse();
    }

    @Test
    void aReusedPidIsStale() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        // same pid, but the process that registered started at another time
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow().minusSeconds(3600)));
        assertThat(registry.live()).isEmpty();
        assertThat(pids(registry)).containsExactly(self.pid());
        assertThat(registry.all().get(0).isLive()).isFalse();
    }

    @Test
    void theSameStartTicksAreLiveThoughTheWallClockStepped() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        long ticks = ProcessStart.ticks(self.pid()).orElseThrow();
        // the instant a clock step moved by an hour: the kernel's ticks did not move
        Instant shifted = self.info().startInstant().orElseThrow().plus(Duration.ofHours(1));
        registry.register(record(self.pid(), shifted, ticks));
        assertThat(registry.live()).extracting(InstanceRecord::pid).containsExactly(self.pid());
    }

    @Test
    void otherStartTicksAreStaleThoughTheInstantMatches() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        long ticks = ProcessStart.ticks(self.pid()).orElseThrow();
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow(), ticks + 1));
        assertThat(registry.live()).isEmpty();
        assertThat(registry.all().get(0).isLive()).isFalse();
    }

    @Test
    void aRecordWrittenBeforeStartTicksIsCheckedByItsInstant() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        InstanceRecord old = record(self.pid(), self.info().startInstant().orElseThrow());
        registry.register(old);
        Path file = registry.fileOf(self.pid());
        Files.writeString(file, Files.readString(file).replace("\"startTicks\":null,", ""));
        assertThat(Files.readString(file)).doesNotContain("startTicks");
        assertThat(registry.live()).containsExactly(old);
    }

    @Test
    void aRecordWrittenBeforeSocketActivationReadsAsABoundSocket() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        InstanceRecord old = record(self.pid(), self.info().startInstant().orElseThrow());
        registry.register(old);
        Path file = registry.fileOf(self.pid());
        Files.writeString(file, Files.readString(file).replace(",\"inheritedSocket\":false", ""));
        assertThat(Files.readString(file)).doesNotContain("inheritedSocket");
        assertThat(registry.live()).singleElement()
            .satisfies((read) -> assertThat(read.inheritedSocket()).isFalse());
    }

    @Test
    void anInheritedSocketIsRegisteredAndReadBack() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        InstanceRecord activated = new InstanceRecord(self.pid(), self.info().startInstant().orElseThrow(),
                ProcessStart.ticks(self.pid()).orElseThrow(), "0.0.0.0", 8000, 8000, "test", "/srv", null, true);
        registry.register(activated);
        assertThat(registry.live()).containsExactly(activated);
    }

    @Test
    void aTornRecordARecordNotInUtf8AndAHugeFileAreSkippedAndEachReportedOnce() throws Exception {
        List<String> warnings = new ArrayList<>();
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state), warnings::add);
        ProcessHandle self = ProcessHandle.current();
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow()));
        Path instances = state.resolve("instances");
        Path torn = Files.writeString(instances.resolve("101.json"), "{\"pid\":101,\"startTi");
        Path notUtf8 = Files.write(instances.resolve("102.json"),
                new byte[] { '{', '"', 'h', 'o', 's', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' });
        Path huge = instances.resolve("103.json");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(pids(registry)).containsExactly(self.pid());
        }
        String fix = "; it is skipped. Fix: remove it if no server of yours runs under that pid";
        assertThat(warnings).containsExactlyInAnyOrder(
                "Instance record " + torn + " is not a record (torn by a crash, or edited)" + fix,
                "Instance record " + notUtf8 + " is not UTF-8" + fix,
                "Instance record " + huge + " is larger than 65536 bytes, too large to be a record" + fix);
    }

    @Test
    void theRegistryIsPrivate() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow()));
        assertThat(mode(state.resolve("instances"))).isEqualTo("rwx------");
        assertThat(mode(registry.fileOf(self.pid()))).isEqualTo("rw-------");
    }

    @Test
    void aRecordInAFileNotNamedAfterItsPidIsStaleAndOnlyThatFileIsRemoved() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(state));
        ProcessHandle self = ProcessHandle.current();
        InstanceRecord live = record(self.pid(), self.info().startInstant().orElseThrow());
        registry.register(live);
        Path misnamed = state.resolve("instances/" + (self.pid() + 1) + ".json");
        Files.copy(registry.fileOf(self.pid()), misnamed);
        InstanceRegistry.Entry stale = registry.all()
            .stream()
            .filter((entry) -> entry.file().equals(misnamed))
            .findFirst()
            .orElseThrow();
        assertThat(stale.instance()).isEqualTo(live);
        assertThat(stale.namedAfterItsPid()).isFalse();
        assertThat(stale.isLive()).isFalse();
        assertThat(registry.live()).containsExactly(live);
        registry.remove(stale);
        assertThat(misnamed).doesNotExist();
        assertThat(registry.fileOf(self.pid())).exists();
    }

    @Test
    void aLinkPlantedAsARecordIsNotFollowed() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        InstanceRecord live = record(self.pid(), self.info().startInstant().orElseThrow());
        Path elsewhere = Files.createDirectory(state.resolve("elsewhere"));
        Path target = Files.writeString(elsewhere.resolve("record.json"),
                JsonMapper.shared().writeValueAsString(live));
        String planted = Files.readString(target);
        StateDirectory stateDirectory = StateDirectory.open(state.resolve("state"));
        InstanceRegistry registry = new InstanceRegistry(stateDirectory);
        Path link = Files.createSymbolicLink(stateDirectory.directory("instances").resolve(self.pid() + ".json"),
                target);
        assertThat(registry.all()).isEmpty();
        assertThat(registry.live()).isEmpty();
        registry.register(live);
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(target)).isEqualTo(planted);
        assertThat(registry.live()).containsExactly(live);
    }

    @Test
    void onARefusedDirectoryNothingIsRegisteredAndNothingRead() throws Exception {
        Path open = Files.createDirectory(state.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(open));
        ProcessHandle self = ProcessHandle.current();
        registry.register(record(self.pid(), self.info().startInstant().orElseThrow()));
        assertThat(registry.all()).isEmpty();
        assertThat(state.resolve("open/instances")).doesNotExist();
    }

    @Test
    void noDirectoryMeansNoInstances() {
        assertThat(new InstanceRegistry(StateDirectory.open(state.resolve("nothing"))).all()).isEmpty();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static List<Long> pids(InstanceRegistry registry) {
        return registry.all().stream().map((entry) -> entry.instance().pid()).toList();
    }

    private static InstanceRecord record(long pid, Instant started) {
        return new InstanceRecord(pid, started, "127.0.0.1", 8001, 8000, "test", "/tmp", null);
    }

    private static InstanceRecord record(long pid, Instant started, long ticks) {
        return new InstanceRecord(pid, started, ticks, "127.0.0.1", 8001, 8000, "test", "/tmp", null);
    }

}
