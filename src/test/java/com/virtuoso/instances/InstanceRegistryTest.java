package com.virtuoso.instances;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void noDirectoryMeansNoInstances() {
        assertThat(new InstanceRegistry(StateDirectory.open(state.resolve("nothing"))).all()).isEmpty();
    }

    private static List<Long> pids(InstanceRegistry registry) {
        return registry.all().stream().map((entry) -> entry.instance().pid()).toList();
    }

    private static InstanceRecord record(long pid, Instant started) {
        return new InstanceRecord(pid, started, "127.0.0.1", 8001, 8000, "test", "/tmp", null);
    }

}
