package com.virtuoso.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.virtuoso.testing.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad arguments get one clear line and their exit code, never a stack trace or exit 70.
 */
class BadArgumentsTest {

    @TempDir
    Path directory;

    private Path config;

    private int port;

    @BeforeEach
    void writeConfig() throws IOException {
        port = FreePorts.pick();
        config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \"" + directory + "\"\n");
    }

    @ParameterizedTest
    @ValueSource(strings = { "check", "find-available" })
    void anUnresolvableHostIsAUsageError(String command) {
        CliRun run = CliRun.of(command, Integer.toString(port), "--config", config.toString(), "--host",
                "no-such-host.invalid");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("--host no-such-host.invalid is not an IP address or a host name that "
                + "resolves here; pass an address of this machine")
            .doesNotContain("Exception", "\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aCountBeyondTheRangeIsCappedAndSaid() {
        CliRun run = CliRun.of("find-available", Integer.toString(port), "--max", Integer.toString(port), "--count",
                "1000", "--config", config.toString());
        assertThat(run.err()).contains("warning: --count 1000 is more than the 1 port(s) from " + port + " to " + port
                + "; looking for 1");
        assertThat(run.out().strip()).isEqualTo(Integer.toString(port));
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void aMaxBelowTheStartIsAUsageError() {
        CliRun run = CliRun.of("find-available", Integer.toString(port), "--max", Integer.toString(port - 1),
                "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--max " + (port - 1) + " is below the first port " + port);
    }

}
