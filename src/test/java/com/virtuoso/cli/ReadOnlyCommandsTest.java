package com.virtuoso.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.UnclassifiableBindFailures;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.targets.PrometheusTargets;
import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * show-config, check, find-available and list, on real sockets and a config file of the test's own.
 */
class ReadOnlyCommandsTest {

    @TempDir
    Path directory;

    private Path config;

    private int primary;

    @BeforeEach
    void writeConfig() throws IOException {
        primary = FreePorts.pick();
        config = directory.resolve("application.yaml");
        Files.writeString(config, """
                web_server:
                  # where the trading UI connects
                  host: "127.0.0.1"
                  port: %d
                  fallback_ports: [%d, %d, 40000]
                  state_dir: "%s"
                """.formatted(primary, primary + 1, primary + 1, directory.resolve("state")));
    }

    @Test
    void showConfigTellsEachValueWithItsOrigin() {
        CliRun run = CliRun.of("show-config", "--config", config.toString(), "--web_server.timeout_keep_alive=9",
                "--web_server.monitor.interval=1500ms");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("web_server.port\\s+" + primary + "\\s+" + config + ", line 4, column 9")
            .containsPattern("web_server.timeout_keep_alive\\s+9\\s+the command line")
            .containsPattern("web_server.log_level\\s+INFO\\s+default")
            .containsPattern("web_server.monitor.interval\\s+1500ms\\s+the command line")
            .containsPattern("web_server.alerts.dedup_window\\s+5m\\s+default")
            .containsPattern("web_server.prometheus_targets_dir\\s+" + directory.resolve("state/prometheus")
                    + "\\s+default")
            .contains("Ports tried, in order: [" + primary + ", " + (primary + 1) + ", 40000]")
            .contains("Port " + (primary + 1) + " appears more than once")
            .contains("Port 40000 is inside the OS ephemeral range");
    }

    @Test
    void showConfigJsonAndSpringsServerPort() throws Exception {
        CliRun run = CliRun.of("show-config", "--config", config.toString(), "--json", "--server.port=9000");
        JsonNode report = JsonMapper.shared().readTree(run.out());
        assertThat(report.get("configFile").asString()).isEqualTo(config.toString());
        assertThat(report.get("candidates").get(0).asInt()).isEqualTo(9000);
        JsonNode port = report.get("settings").get(1);
        assertThat(port.get("key").asString()).isEqualTo("port");
        assertThat(port.get("value").asInt()).isEqualTo(9000);
        assertThat(port.get("origin").asString()).isEqualTo("the command line (as server.port)");
    }

    @Test
    void anInvalidConfigGetsTheServersMessageAndExit78() throws IOException {
        Files.writeString(config, "web_server:\n  port: 70000\n");
        CliRun run = CliRun.of("show-config", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err()).contains("web_server.port = \"70000\" (" + config + ", line 2, column 9): "
                + "must be between 0 and 65535")
            .contains("Set web_server.port to a port number from 0 to 65535");
    }

    @Test
    void malformedYamlAndAMissingFileExit78() throws IOException {
        Files.writeString(config, "web_server:\n  port: 9000\n   host: [oops\n");
        CliRun malformed = CliRun.of("check", "8000", "--config", config.toString());
        assertThat(malformed.exitCode()).isEqualTo(78);
        assertThat(malformed.err()).contains(config + " is not valid YAML, at line 3, column 8");
        CliRun missing = CliRun.of("show-config", "--config", directory.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(78);
        assertThat(missing.err()).contains("nope.yaml does not exist");
    }

    @Test
    void showConfigShowsWebhooksRedactedAndWarnsAboutPlainHttp() throws Exception {
        String token = "Zq8v-S3cr3tT0ken";
        Files.writeString(config, """
                web_server:
                  state_dir: "%s"
                  alerts:
                    webhooks:
                      - url: "https://discord.com/api/webhooks/1234/%s"
                        format: discord
                      - url: "https://discord.com/api/webhooks/1234/%sx"
                        format: discord
                      - url: "http://198.51.100.7/hooks/%s"
                        format: generic
                      - url: "http://127.0.0.1:%d/hooks/%s"
                        format: generic
                """.formatted(directory.resolve("state"), token, token, token, primary, token));
        CliRun text = CliRun.of("show-config", "--config", config.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).doesNotContain(token, "/api", "/hooks")
            .containsPattern("discord https://discord\\.com/…#([0-9a-f]{4}), discord https://discord\\.com/…#(?!\\1)")
            .contains("generic http://198.51.100.7/…#", "generic http://127.0.0.1:" + primary + "/…#")
            .containsPattern("Warnings:\\R(  .*\\R)*  Webhook http://198\\.51\\.100\\.7/…#[0-9a-f]{4} uses plain http");
        assertThat(text.out().split("uses plain http", -1)).hasSize(2);
        CliRun json = CliRun.of("show-config", "--config", config.toString(), "--json");
        assertThat(json.out()).doesNotContain(token, "/api", "/hooks");
        JsonNode report = JsonMapper.shared().readTree(json.out());
        JsonNode webhooks = null;
        for (JsonNode setting : report.get("settings")) {
            if (setting.get("key").asString().equals("alerts.webhooks")) {
                webhooks = setting.get("value");
            }
        }
        assertThat(webhooks).hasSize(4);
        assertThat(webhooks.get(0).asString()).matches("discord https://discord\\.com/…#[0-9a-f]{4}");
        assertThat(webhooks.get(2).asString()).matches("generic http://198\\.51\\.100\\.7/…#[0-9a-f]{4}");
        assertThat(report.get("warnings").toString()).contains("Webhook http://198.51.100.7/…#");
    }

    @Test
    void anInvalidWebhookUrlIsNotEchoed() throws IOException {
        Files.writeString(config, """
                web_server:
                  alerts:
                    webhooks:
                      - url: "ftp://alerts:pa55@discord.com/api/webhooks/1234/Zq8v-S3cr3tT0ken"
                      - url: "discord.com/api/webhooks/1234/Zq8v-S3cr3tT0ken"
                """);
        CliRun run = CliRun.of("show-config", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err()).doesNotContain("Zq8v-S3cr3tT0ken", "/1234", "pa55")
            .contains("web_server.alerts.webhooks[0].url = \"ftp://discord.com/…\" (" + config + ", line 4, column 14): "
                    + "must be an http or https URL with a host")
            .contains("web_server.alerts.webhooks[1].url = \"…\" (" + config + ", line 5, column 14)")
            .contains("Set web_server.alerts.webhooks[0].url to the https:// URL the receiver gave");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("show-config", "check", "find-available", "kill", "update-config", "auto-fix",
                "list")) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Usage: ports " + command).contains("--config").contains("--json");
        }
        assertThat(CliRun.of("--help").out()).contains("Exit codes:");
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
    }

    @Test
    void checkSaysFreeWithExit0() {
        CliRun run = CliRun.of("check", Integer.toString(primary), "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("Port " + primary + " is free on 127.0.0.1" + System.lineSeparator());
    }

    @Test
    void checkNamesTheHolderWithExit1() throws Exception {
        try (ListenerProcess holder = ListenerProcess.start("127.0.0.1", primary)) {
            CliRun run = CliRun.of("check", Integer.toString(primary), "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("Port " + primary + " is in use on 127.0.0.1:")
                .containsPattern("PID " + holder.pid() + "\\s+" + System.getProperty("user.name") + "\\s+started .*ListenerMain");
            JsonNode report = JsonMapper.shared()
                .readTree(CliRun.of("check", Integer.toString(primary), "--config", config.toString(), "--json").out());
            assertThat(report.get("free").asBoolean()).isFalse();
            assertThat(report.get("outcome").asString()).isEqualTo("IN_USE");
            assertThat(report.get("holders").get(0).get("pid").asLong()).isEqualTo(holder.pid());
            assertThat(report.get("holders").get(0).get("virtuoso").asBoolean()).isFalse();
        }
    }

    @Test
    void checkSaysWhatTheBindSaidWhenWhyItFailedCannotBeTold() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), primary));
            PortTools tools = unclassifyingTools(new IllegalStateException("cannot read the address table"));
            CliRun run = CliRun.withTools(tools, "check", Integer.toString(primary), "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            // the OS's own words follow, whatever they say; Virtuoso claims no holder and no reason
            assertThat(run.out())
                .startsWith("Port " + primary + " is not bindable (why could not be verified) on 127.0.0.1: ")
                .contains("(telling why failed: IllegalStateException: cannot read the address table)")
                .doesNotContain("is in use", "in use by");
            CliRun json = CliRun.withTools(tools, "check", Integer.toString(primary), "--config", config.toString(), "--json");
            assertThat(json.exitCode()).isOne();
            JsonNode report = JsonMapper.shared().readTree(json.out());
            assertThat(report.get("free").asBoolean()).isFalse();
            assertThat(report.get("outcome").asString()).isEqualTo("UNKNOWN");
            assertThat(report.get("holders")).isEmpty();
            assertThat(report.get("detail").asString()).contains("cannot read the address table");
        }
    }

    @Test
    void checkOnIpv6AndTellsAVirtuosoInstance() throws Exception {
        try (ListenerProcess holder = ListenerProcess.start("::1", primary)) {
            Instant started = ProcessHandle.of(holder.pid()).orElseThrow().info().startInstant().orElseThrow();
            new InstanceRegistry(StateDirectory.open(directory.resolve("state"))).register(
                    new InstanceRecord(holder.pid(), started, "::1", primary, primary, "test", "/", null));
            CliRun run = CliRun.of("check", Integer.toString(primary), "--host", "::1", "--config", config.toString());
            assertThat(run.exitCode()).isOne();
            assertThat(run.out()).contains("PID " + holder.pid()).contains("[Virtuoso]");
        }
    }

    @Test
    void checkRefusesAPortOutOfRange() {
        assertThat(CliRun.of("check", "70000", "--config", config.toString()).exitCode()).isEqualTo(2);
        CliRun letters = CliRun.of("check", "http", "--config", config.toString());
        assertThat(letters.exitCode()).isEqualTo(2);
        assertThat(letters.err()).contains("'http' is not an int");
    }

    @Test
    void findAvailablePrintsTheNumbersAlone() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), primary));
            CliRun run = CliRun.of("find-available", "--config", config.toString(), "--count", "2");
            assertThat(run.exitCode()).isZero();
            List<Integer> ports = run.out().lines().map(Integer::valueOf).toList();
            assertThat(ports).hasSize(2).doesNotContain(primary).allMatch((port) -> port > primary);
            CliRun none = CliRun.of("find-available", Integer.toString(primary), "--max", Integer.toString(primary),
                    "--config", config.toString());
            assertThat(none.exitCode()).isOne();
            assertThat(none.out()).isEmpty();
            assertThat(none.err()).contains("Found 0 free port(s) of 1");
        }
    }

    @Test
    void listShowsLiveServersAndRemovesStaleEntries() throws Exception {
        InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(directory.resolve("state")));
        ProcessHandle self = ProcessHandle.current();
        Instant started = self.info().startInstant().orElseThrow();
        Process finished = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        assertThat(finished.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (ServerSocket listening = new ServerSocket()) {
            listening.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), primary));
            registry.register(new InstanceRecord(self.pid(), started, "127.0.0.1", primary, primary, "test", "/", null));
            registry.register(new InstanceRecord(finished.pid(), started, "127.0.0.1", 1, 1, "test", "/", null));
            CliRun run = CliRun.of("list", "--config", config.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).containsPattern(self.pid() + "\\s+127.0.0.1\\s+" + primary)
                .contains("Removed stale entry: PID " + finished.pid() + " (port 1): process no longer running");
            assertThat(registry.all()).extracting((entry) -> entry.instance().pid()).containsExactly(self.pid());
        }
        registry.register(new InstanceRecord(self.pid(), started.minusSeconds(60), "127.0.0.1", primary, primary,
                "test", "/", null));
        CliRun reused = CliRun.of("list-virtuoso", "--config", config.toString(), "--json");
        JsonNode report = JsonMapper.shared().readTree(reused.out());
        assertThat(report.get("instances")).isEmpty();
        assertThat(report.get("removed").get(0).get("reason").asString()).isEqualTo("PID reused by another process");
    }

    @Test
    void listRemovesThePrometheusTargetFilesOfServersThatAreGone() throws Exception {
        StateDirectory state = StateDirectory.open(directory.resolve("state"));
        InstanceRegistry registry = new InstanceRegistry(state);
        PrometheusTargets targets = PrometheusTargets.of(state, null);
        ProcessHandle self = ProcessHandle.current();
        InstanceRecord live = new InstanceRecord(self.pid(), self.info().startInstant().orElseThrow(), "127.0.0.1",
                primary, primary, "test", "/", null);
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(60, TimeUnit.SECONDS)).isTrue();
        InstanceRecord gone = new InstanceRecord(finished.pid(), Instant.now(), "127.0.0.1", 1, 1, "test", "/", null);
        registry.register(live);
        registry.register(gone);
        targets.write(live);
        targets.write(gone);

        CliRun run = CliRun.of("list", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
            .contains("Removed the Prometheus target file of a server that is gone: " + targets.fileOf(finished.pid()));
        assertThat(targets.fileOf(finished.pid())).doesNotExist();
        assertThat(targets.fileOf(self.pid())).exists();

        targets.write(gone);
        CliRun json = CliRun.of("list", "--config", config.toString(), "--json");
        assertThat(JsonMapper.shared().readTree(json.out()).get("removedTargetFiles"))
            .extracting(JsonNode::asString)
            .containsExactly(targets.fileOf(finished.pid()).toString());
    }

    /** Port tools whose classifier throws {@code failure} for every failed bind. */
    private PortTools unclassifyingTools(RuntimeException failure) {
        PortHolderLookup lookup = new PortHolderLookup();
        return new PortTools(PortPrivileges.detect(), lookup,
                new PortProbe(UnclassifiableBindFailures.classifier(failure), lookup), directory.resolve("state"));
    }

}
