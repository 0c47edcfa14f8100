package com.virtuoso.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.virtuoso.launch.BuildVersion;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ports --version} prints the build's version, as the server's {@code --version} does. */
class PortsVersionTest {

    @ParameterizedTest
    @ValueSource(strings = { "--version", "-V", "check --version", "kill -V", "list-virtuoso --version" })
    void everyCommandPrintsTheBuildVersion(String arguments) {
        CliRun run = CliRun.of(arguments.split(" "));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(BuildVersion.current().describe()).startsWith("Virtuoso 0.");
    }

}
