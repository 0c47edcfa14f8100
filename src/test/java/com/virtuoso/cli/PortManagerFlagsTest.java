package com.virtuoso.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flags of the old {@code port_manager.py} run exactly their commands: each is run both ways
 * on the same situation, and both runs print the same and exit alike.
 */
class PortManagerFlagsTest {

    @TempDir
    Path directory;

    private Path config;

    private int port;

    @BeforeEach
    void writeConfig() throws IOException {
        port = FreePorts.pick();
        config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  host: \"127.0.0.1\"\n  port: " + port + "\n  fallback_ports: []\n"
                + "  state_dir: \"" + directory.resolve("state") + "\"\n");
    }

    @Test
    void showConfig() {
        assertSameRun(List.of("--show-config"), List.of("show-config"), "--json");
        assertSameRun(List.of("--show-config"), List.of("show-config"));
    }

    @Test
    void checkAFreeAndAHeldPort() throws Exception {
        assertSameRun(List.of("--check", Integer.toString(port)), List.of("check", Integer.toString(port)));
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun old = assertSameRun(List.of("--check", Integer.toString(port)),
                    List.of("check", Integer.toString(port)), "--json");
            assertThat(old.exitCode()).isOne();
            // as argparse also took it
            assertSameRun(List.of("--check=" + port), List.of("check", Integer.toString(port)));
        }
    }

    @Test
    void findAvailableWithAndWithoutAStart() {
        assertSameRun(List.of("--find-available"), List.of("find-available"));
        assertSameRun(List.of("--find-available", Integer.toString(port)),
                List.of("find-available", Integer.toString(port)), "--count", "2");
    }

    @Test
    void killKeepsItsSafetyRules() throws Exception {
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port)) {
            String target = Integer.toString(port);
            CliRun refused = assertSameRun(List.of("--kill", target), List.of("kill", target));
            assertThat(refused.exitCode()).isOne();
            assertThat(refused.err()).contains("without confirmation: there is no terminal").contains("--yes");
            assertThat(listener.isAlive()).isTrue();
            assertSameRun(List.of("--kill", target), List.of("kill", target), "--dry-run");
            assertThat(listener.isAlive()).isTrue();

            CliRun stopped = CliRun.of("--kill", target, "--yes", "--config", config.toString());
            assertThat(stopped.exitCode()).as(stopped.err()).isZero();
            assertThat(stopped.out()).contains("Port " + port + " is free now.");
            assertThat(listener.awaitExit(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void updateConfigEditsAsTheCommandDoes() throws Exception {
        Path copy = Files.copy(config, directory.resolve("copy.yaml"));
        CliRun old = CliRun.of("--update-config", "9100", "--fallback", "9101", "--json", "--config", config.toString());
        CliRun current = CliRun.of("update-config", "9100", "--fallback", "9101", "--json", "--config",
                copy.toString());
        assertThat(old.exitCode()).as(old.err()).isZero();
        assertThat(current.exitCode()).isZero();
        assertThat(Files.readString(config)).isEqualTo(Files.readString(copy)).contains("port: 9100");
        JsonNode oldReport = JsonMapper.shared().readTree(old.out());
        JsonNode currentReport = JsonMapper.shared().readTree(current.out());
        for (String field : List.of("done", "key", "oldPort", "newPort")) {
            assertThat(oldReport.get(field)).isEqualTo(currentReport.get(field));
        }
    }

    @Test
    void autoFix() throws Exception {
        assertSameRun(List.of("--auto-fix"), List.of("auto-fix"), "--dry-run");
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            assertSameRun(List.of("--auto-fix"), List.of("auto-fix"), "--dry-run", "--json");
            // without a terminal, as for the command, --yes is needed
            assertSameRun(List.of("--auto-fix"), List.of("auto-fix"));
        }
    }

    @Test
    void listVirtuoso() {
        assertSameRun(List.of("--list-virtuoso"), List.of("list"), "--json");
        assertSameRun(List.of("--list-virtuoso"), List.of("list-virtuoso"));
    }

    @Test
    void theHelpListsThemUnderTheirOwnHeading() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("port_manager.py compatible")
            .contains("--check PORT", "= ports check PORT")
            .contains("--find-available [PORT]", "= ports find-available [PORT]")
            .contains("--kill PORT", "without a terminal it needs --yes");
        for (PortManagerFlags.Flag flag : PortManagerFlags.FLAGS) {
            assertThat(help.out()).contains(flag.flag());
        }
        // before the exit codes, which stay last
        assertThat(help.out().indexOf("port_manager.py compatible")).isLessThan(help.out().indexOf("Exit codes"));
    }

    @Test
    void aFlagIsRewrittenWhereverItIsUnlessACommandComesFirst() {
        assertThat(PortManagerFlags.rewrite(new String[] { "--check=8000", "--json" }))
            .containsExactly("check", "8000", "--json");
        // argparse took the command's options before the flag too
        assertThat(PortManagerFlags.rewrite(new String[] { "--json", "--check", "8000" }))
            .containsExactly("check", "--json", "8000");
        assertThat(PortManagerFlags.rewrite(new String[] { "--json", "--", "--check" }))
            .containsExactly("--json", "--", "--check");
        assertThat(PortManagerFlags.rewrite(new String[] { "check", "--check" })).containsExactly("check", "--check");
        assertThat(PortManagerFlags.rewrite(new String[0])).isEmpty();
    }

    @Test
    void optionsBeforeTheFlagAreTheCommands() throws Exception {
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun old = CliRun.of(withOptions(List.of("--json", "--check", Integer.toString(port))));
            CliRun current = CliRun.of(withOptions(List.of("check", Integer.toString(port), "--json")));
            assertThat(old.exitCode()).as(old.err()).isOne();
            assertThat(old.out()).isEqualTo(current.out()).contains("\"free\":false");
        }
    }

    /**
     * Runs the old flag and the command, each with {@code options} and the test's config; asserts
     * they exit alike and print the same; the old flag's run.
     */
    private CliRun assertSameRun(List<String> flag, List<String> command, String... options) {
        CliRun old = CliRun.of(withOptions(flag, options));
        CliRun current = CliRun.of(withOptions(command, options));
        assertThat(old.exitCode()).as(old.err()).isEqualTo(current.exitCode());
        assertThat(old.out()).isEqualTo(current.out());
        assertThat(old.err()).isEqualTo(current.err());
        return old;
    }

    private String[] withOptions(List<String> arguments, String... options) {
        List<String> all = new ArrayList<>(arguments);
        all.addAll(List.of(options));
        all.addAll(List.of("--config", config.toString()));
        return all.toArray(String[]::new);
    }

}
