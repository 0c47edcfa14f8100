package com.virtuoso.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.testing.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ports} commands read the web_server block of the trading system's config/config.yaml
 * as the server does, name it as the origin of what it supplies, and edit it when it supplies the
 * port, leaving its other sections byte for byte.
 */
class TradingConfigCommandsTest {

    @TempDir
    Path directory;

    private Path application;

    private Path trading;

    private int port;

    private String tradingText;

    @BeforeEach
    void writeConfigs() throws Exception {
        port = FreePorts.pick();
        application = Files.writeString(directory.resolve("application.yaml"),
                "web_server:\n  state_dir: \"" + directory.resolve("state") + "\"\n");
        // CRLF and comments, as a file edited on another system may have them
        tradingText = ("# Trading system configuration\n" + "database:\n" + "  host: db.internal\n" + "  port: 5432\n"
                + "\n" + "server:            # the order gateway's, not Spring's\n" + "  port: 7000\n" + "\n"
                + "web_server:\n" + "  host: \"127.0.0.1\"\n" + "  port: " + port + "       # dashboard\n"
                + "  fallback_ports: [" + (port + 1) + "]\n" + "  workers: 4       # uvicorn's\n" + "\n"
                + "trading:\n" + "  symbols:\n" + "    - AAPL\n" + "    - MSFT\n" + "  risk: {max_position: 1000}\n")
            .replace("\n", "\r\n");
        trading = Files.writeString(directory.resolve("config.yaml"), tradingText);
    }

    @Test
    void showConfigNamesItAsTheOriginOfWhatItSupplies() {
        CliRun run = CliRun.withTradingConfig(trading, "show-config", "--json", "--config", application.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JsonMapper.shared().readTree(run.out());
        assertThat(report.get("tradingConfigFile").asString()).isEqualTo(trading.toString());
        assertThat(setting(report, "port").get("value").asInt()).isEqualTo(port);
        assertThat(setting(report, "port").get("origin").asString()).endsWith("config.yaml, line 11, column 9");
        assertThat(setting(report, "host").get("origin").asString()).endsWith("config.yaml, line 10, column 9");
        assertThat(setting(report, "state_dir").get("origin").asString()).endsWith("application.yaml, line 2, column 14");
        assertThat(report.get("warnings").toString()).contains("web_server.workers (")
            .contains("is not a web_server setting: it is left out");

        CliRun text = CliRun.withTradingConfig(trading, "show-config", "--config", application.toString());
        assertThat(text.out()).contains("Also read: the web_server block of " + trading);
    }

    @Test
    void applicationYamlWinsOverIt() throws Exception {
        Files.writeString(application, "  port: 9555\n", StandardOpenOption.APPEND);
        CliRun run = CliRun.withTradingConfig(trading, "show-config", "--json", "--config", application.toString());
        JsonNode report = JsonMapper.shared().readTree(run.out());
        assertThat(setting(report, "port").get("value").asInt()).isEqualTo(9555);
        assertThat(setting(report, "port").get("origin").asString()).contains("application.yaml");
    }

    @Test
    void updateConfigEditsItsWebServerBlockOnly() throws Exception {
        String before = Files.readString(application);
        CliRun run = CliRun.withTradingConfig(trading, "update-config", "9100", "--fallback", "9101,9102", "--json",
                "--config", application.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode report = JsonMapper.shared().readTree(run.out());
        assertThat(report.get("file").asString()).isEqualTo(trading.toRealPath().toUri().toString());
        assertThat(report.get("oldPort").asInt()).isEqualTo(port);
        assertThat(Files.readString(trading)).isEqualTo(tradingText
            .replace("  port: " + port + "       # dashboard", "  port: 9100       # dashboard")
            .replace("  fallback_ports: [" + (port + 1) + "]", "  fallback_ports: [9101, 9102]"));
        assertThat(Files.readString(application)).isEqualTo(before);

        CliRun shown = CliRun.withTradingConfig(trading, "show-config", "--json", "--config", application.toString());
        assertThat(setting(JsonMapper.shared().readTree(shown.out()), "port").get("value").asInt()).isEqualTo(9100);
    }

    @Test
    void updateConfigEditsAFileWhoseOtherSectionsUseTagsAndManyAliases() throws Exception {
        // another component's !ENV tags, and more aliases of maps than SnakeYAML allows by default (50)
        StringBuilder strategies = new StringBuilder("defaults: &defaults {size: 1}\nstrategies:\n");
        for (int i = 0; i < 51; i++) {
            strategies.append("  s").append(i).append(": {<<: *defaults}\n");
        }
        String text = "exchange:\n  api_key: !ENV ${BINANCE_KEY}\n" + strategies + "web_server:\n  port: " + port
                + "\n";
        CliRun run = updateConfigTo9100(text);
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(Files.readString(trading)).isEqualTo(text.replace("  port: " + port, "  port: 9100"));
    }

    @Test
    void aBlockThatIsAnAliasIsRefusedNotDoubled() throws Exception {
        String text = "defaults: &ws\n  host: \"127.0.0.1\"\n  port: " + port + "\nweb_server: *ws\n";
        Files.writeString(trading, text);
        CliRun shown = CliRun.withTradingConfig(trading, "show-config", "--json", "--config", application.toString());
        assertThat(setting(JsonMapper.shared().readTree(shown.out()), "port").get("value").asInt()).isEqualTo(port);
        // a second web_server: block below the alias would read back with the port, but is a duplicate key
        CliRun run = updateConfigTo9100(text);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(78);
        assertThat(run.err()).contains("web_server: *defaults").contains("by hand").contains("Nothing was changed");
        assertThat(Files.readString(trading)).isEqualTo(text);

        // a block merged into the top level: a block added beside it would replace all of it
        String merged = "defaults: &d {web_server: {host: \"127.0.0.1\", port: " + port + "}}\n<<: *d\n";
        CliRun refused = updateConfigTo9100(merged);
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(78);
        assertThat(Files.readString(trading)).isEqualTo(merged);
        // the same, with the merge key written as its tag
        String tagged = "defaults: &d {web_server: {host: \"127.0.0.1\", port: " + port + "}}\n!!merge x: *d\n";
        assertThat(updateConfigTo9100(tagged).exitCode()).isEqualTo(78);
        assertThat(Files.readString(trading)).isEqualTo(tagged);

        // a merge of other keys beside the block: its port is edited where it is
        String other = "common: &c {log_level: info}\n<<: *c\nweb_server:\n  port: " + port + "\n";
        CliRun edited = updateConfigTo9100(other);
        assertThat(edited.exitCode()).as(edited.out() + edited.err()).isZero();
        assertThat(Files.readString(trading)).isEqualTo(other.replace("port: " + port, "port: 9100"));
    }

    @Test
    void whenApplicationYamlSetsThePortItIsLeftAlone() throws Exception {
        Files.writeString(application, "  port: 9555\n", StandardOpenOption.APPEND);
        CliRun run = CliRun.withTradingConfig(trading, "update-config", "9100", "--config", application.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(Files.readString(application)).contains("port: 9100");
        assertThat(Files.readString(trading)).isEqualTo(tradingText);
    }

    @Test
    void autoFixMovesThePortWhereItSetsIt() throws Exception {
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            CliRun run = CliRun.withTradingConfig(trading, "auto-fix", "--yes", "--json", "--config",
                    application.toString());
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            JsonNode report = JsonMapper.shared().readTree(run.out());
            assertThat(report.get("plan").asString()).isEqualTo("move-port");
            assertThat(report.get("newPort").asInt()).isEqualTo(port + 1);
        }
        assertThat(Files.readString(trading))
            .isEqualTo(tradingText.replace("  port: " + port + "       # dashboard", "  port: " + (port + 1)
                    + "       # dashboard"));
    }

    @Test
    void withoutTheFileNothingChanges() {
        CliRun run = CliRun.withTradingConfig(directory.resolve("missing.yaml"), "show-config", "--json", "--config",
                application.toString());
        JsonNode report = JsonMapper.shared().readTree(run.out());
        assertThat(report.get("tradingConfigFile").isNull()).isTrue();
        assertThat(setting(report, "port").get("origin").asString()).isEqualTo("default");
    }

    private static JsonNode setting(JsonNode report, String key) {
        for (JsonNode setting : report.get("settings")) {
            if (setting.get("key").asString().equals(key)) {
                return setting;
            }
        }
        throw new AssertionError("no setting " + key + " in " + report);
    }

    /** Writes {@code text} as config/config.yaml and runs {@code update-config 9100} on it. */
    private CliRun updateConfigTo9100(String text) throws IOException {
        Files.writeString(trading, text);
        return CliRun.withTradingConfig(trading, "update-config", "9100", "--config", application.toString());
    }

}
