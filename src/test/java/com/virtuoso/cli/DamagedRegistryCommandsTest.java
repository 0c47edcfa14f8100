package com.virtuoso.cli;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.ProcessStart;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.testing.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ports list} over a registry with damaged entries: each is skipped with one warning, the
 * rest is listed, and the exit code is that of a list, never 70.
 */
class DamagedRegistryCommandsTest {

    @TempDir
    Path directory;

    @Test
    void tornNonUtf8AndHugeRecordsAreSkippedWithOneWarningEachAndTheLiveServerIsListed() throws Exception {
        int port = FreePorts.pick();
        Path state = directory.resolve("state");
        Path config = Files.writeString(directory.resolve("application.yaml"), "web_server:\n  host: \"127.0.0.1\"\n"
                + "  port: " + port + "\n  state_dir: \"" + state + "\"\n");
        ProcessHandle self = ProcessHandle.current();
        // recorded before the wall clock stepped by an hour: the start ticks still say it is this process
        new InstanceRegistry(StateDirectory.open(state)).register(new InstanceRecord(self.pid(),
                self.info().startInstant().orElseThrow().minus(Duration.ofHours(1)),
                ProcessStart.ticks(self.pid()).orElseThrow(), "127.0.0.1", port, port, "test", "/", null));
        Path instances = state.resolve("instances");
        Path torn = Files.writeString(instances.resolve("101.json"), "{\"pid\":101,\"startTi");
        Path notUtf8 = Files.write(instances.resolve("102.json"),
                new byte[] { '{', '"', 'h', 'o', 's', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' });
        Path huge = instances.resolve("103.json");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024); // sparse: large, yet costs no disk
        }
        CliRun run = CliRun.of("list", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("PID").contains(Long.toString(self.pid())).doesNotContain("Removed");
        String fix = "; it is skipped. Fix: remove it if no server of yours runs under that pid";
        assertThat(run.err().lines()).containsExactlyInAnyOrder(
                "warning: Instance record " + torn + " is not a record (torn by a crash, or edited)" + fix,
                "warning: Instance record " + notUtf8 + " is not UTF-8" + fix,
                "warning: Instance record " + huge + " is larger than 65536 bytes, too large to be a record" + fix);
    }

}
