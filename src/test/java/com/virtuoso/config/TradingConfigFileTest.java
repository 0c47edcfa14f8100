package com.virtuoso.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The web_server block of the trading system's config/config.yaml, as the server reads it: below
 * config/application.yaml and everything above it, over the defaults, and nothing else of the file.
 */
class TradingConfigFileTest {

    /** A trading system's file as it is: sections of other components around the web_server block. */
    static final String TRADING_CONFIG = """
            # Trading system configuration
            database:
              host: db.internal
              port: 5432
              pool: {min: 2, max: 10}

            server:            # the order gateway's, not Spring's
              port: 7000

            web_server:
              host: "127.0.0.1"
              port: 8500       # dashboard
              fallback_ports: [8501, 8502]
              log_level: "warn"

            trading:
              symbols:
                - AAPL
                - MSFT
              risk: {max_position: 1000}
            """;

    @TempDir
    Path directory;

    private final List<String> warnings = new ArrayList<>();

    @Test
    void itsWebServerBlockIsReadAndNothingElse() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Optional<String> notice = TradingConfigFile.addTo(environment, tradingConfig(TRADING_CONFIG), warnings::add);
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(environment.getProperty("web_server.fallback_ports[1]")).isEqualTo("8502");
        assertThat(environment.getProperty("database.host")).isNull();
        assertThat(environment.getProperty("trading.risk.max_position")).isNull();
        assertThat(WebServerEnvironment.portSource(environment).origin()).endsWith("config.yaml, line 12, column 9");
        assertThat(WebServerEnvironment.portSource(environment).file()).isEqualTo(directory.resolve("config.yaml"));
        assertThat(notice).get()
            .asString()
            .contains("Read the web_server block of " + directory.resolve("config.yaml"))
            .contains("To move it: cut the web_server: block");
        assertThat(warnings).isEmpty();
    }

    @Test
    void applicationYamlAndEverythingAboveItWin() throws Exception {
        Path file = tradingConfig(TRADING_CONFIG);
        StandardEnvironment fileWins = environment(List.of(), Map.of(),
                "web_server:\n  port: 9200\n  log_level: info\n");
        TradingConfigFile.addTo(fileWins, file, warnings::add);
        WebServerEnvironment.prepare(fileWins, warnings::add);
        assertThat(fileWins.getProperty("server.port")).isEqualTo("9200");
        assertThat(fileWins.getProperty("logging.level.root")).isEqualTo("INFO");
        // what application.yaml leaves unset still comes from the block
        assertThat(fileWins.getProperty("server.address")).isEqualTo("127.0.0.1");

        StandardEnvironment variableWins = environment(List.of(), Map.of("WEBSERVER_PORT", "9300"), "");
        TradingConfigFile.addTo(variableWins, file, warnings::add);
        WebServerEnvironment.prepare(variableWins, warnings::add);
        assertThat(variableWins.getProperty("server.port")).isEqualTo("9300");

        StandardEnvironment commandLineWins = environment(List.of("--web_server.port=9400"), Map.of(), "");
        TradingConfigFile.addTo(commandLineWins, file, warnings::add);
        WebServerEnvironment.prepare(commandLineWins, warnings::add);
        assertThat(commandLineWins.getProperty("server.port")).isEqualTo("9400");
    }

    @Test
    void itSitsAboveTheBuiltInDefaults() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "web_server:\n  host: \"::1\"\n");
        environment.getPropertySources()
            .addLast(new MapPropertySource("Config resource 'class path resource [application.yaml]' via location "
                    + "'optional:classpath:/'", Map.of("web_server.port", "8100")));
        TradingConfigFile.addTo(environment, tradingConfig(TRADING_CONFIG), warnings::add);
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("server.address")).isEqualTo("::1");
    }

    @Test
    void anUnknownKeyInTheBlockIsAWarningAndLeftOut() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        TradingConfigFile.addTo(environment, tradingConfig("web_server:\n  port: 8500\n  workers: 4\n"
                + "  reload_dirs: [src]\nother:\n  anything: [1, 2]\n"), warnings::add);
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("web_server.workers (")
            .contains("config.yaml, line 3, column 12")
            .contains("is not a web_server setting: it is left out")
            .contains("fallback_ports");
        assertThat(warnings.get(1)).startsWith("web_server.reload_dirs");
    }

    @Test
    void anInvalidValueInTheBlockIsRefusedAsAnywhereElse() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        TradingConfigFile.addTo(environment, tradingConfig("web_server:\n  port: 70000\n  workers: 4\n"),
                warnings::add);
        assertThatExceptionOfType(InvalidConfigurationException.class)
            .isThrownBy(() -> WebServerEnvironment.prepare(environment, warnings::add))
            .satisfies((invalid) -> assertThat(invalid.description()).contains("web_server.port = \"70000\"")
                .contains("config.yaml, line 2, column 9")
                .doesNotContain("workers"));
    }

    @Test
    void aFileThatIsNotYamlOrNotUtf8StopsTheStartAsApplicationYamlWould() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Path file = tradingConfig("web_server:\n  port: 8500\n   host: [oops\n");
        assertThatExceptionOfType(MalformedYamlException.class)
            .isThrownBy(() -> TradingConfigFile.addTo(environment, file, warnings::add))
            .satisfies((malformed) -> assertThat(malformed.malformed().description()).contains("config.yaml")
                .contains("line 3"));
        Files.write(file, "web_server:\n  port: 8500 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatExceptionOfType(UnusableConfigFileException.class)
            .isThrownBy(() -> TradingConfigFile.addTo(environment, file, warnings::add))
            .withMessageContaining("is not UTF-8");
        assertThat(warnings).isEmpty();
    }

    @Test
    void otherSectionsTagsAndDuplicateKeysAreNoneOfItsBusiness() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Path file = tradingConfig("exchange:\n  api_key: !ENV ${BINANCE_KEY}\n  api_key: again\n\nweb_server:\n"
                + "  port: 8500\n\nweb_server.host: \"127.0.0.1\"\n");
        assertThat(TradingConfigFile.addTo(environment, file, warnings::add)).isPresent();
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(WebServerEnvironment.portSource(environment).origin()).contains("config.yaml, line 6, column 9");
        assertThat(warnings).isEmpty();
    }

    @Test
    void charactersOutsideTheBmpMoveNothing() throws Exception {
        // the parser counts code points, Java strings count chars: an emoji is one of the first, two of the other
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        String rockets = "\uD83D\uDE80\uD83D\uDE80";
        Path file = tradingConfig("# " + rockets + " launch\nweb_server:\n  host: 127.0.0.1  # " + rockets + " public\n"
                + "  port: 8500\ntrading:\n  mode: live");
        assertThat(TradingConfigFile.addTo(environment, file, warnings::add)).isPresent();
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(WebServerEnvironment.portSource(environment).origin()).contains("config.yaml, line 4, column 9");
        assertThat(warnings).isEmpty();
    }

    @Test
    void anchorsOfOtherSectionsAndManyAliasesAreReadAsYamlReadsThem() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        StringBuilder strategies = new StringBuilder("strategies:\n");
        for (int i = 0; i < 51; i++) {
            strategies.append("  s").append(i).append(": {<<: *limits}\n");
        }
        Path file = tradingConfig("limits: &limits {size: 1}\nserver_defaults: &server_defaults\n  host: 127.0.0.1\n"
                + "  timeout_keep_alive: 7\n" + strategies + "web_server:\n  <<: *server_defaults\n  port: 8500\n");
        assertThat(TradingConfigFile.addTo(environment, file, warnings::add)).isPresent();
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(environment.getProperty("web_server.timeout_keep_alive")).isEqualTo("7");
        // the section that lent its anchor is not read
        assertThat(environment.getProperty("server_defaults.host")).isNull();
        assertThat(warnings).isEmpty();
    }

    /** Files that YAML (and Spring, reading the whole file) reads with the port at 8500 on 127.0.0.1. */
    static Stream<String> filesTheBlockOfWhichIsRead() {
        return Stream.of(
                // a byte order mark, and the block indented by one space
                "\uFEFFweb_server:\n port: 8500\n host: 127.0.0.1\n",
                // the block is an alias of another section, or a key of it
                "defaults: &ws\n  port: 8500\n  host: 127.0.0.1\nweb_server: *ws\n",
                "p: &p 8500\nweb_server.port: *p\nweb_server.host: 127.0.0.1\n",
                // an anchor of a section that takes an anchor of another section itself
                "c: &c 127.0.0.1\na:\n  x: &x {host: *c}\n  y: *c\nweb_server:\n  <<: *x\n  port: 8500\n",
                // the section that lends its anchor has another component's tags and duplicate keys
                "common:\n  srv: &srv {host: 127.0.0.1}\n  api_key: !ENV ${KEY}\n  api_key: again\n"
                        + "web_server:\n  <<: *srv\n  port: 8500\n",
                // a line break YAML knows that is not \\n (NEL)
                "a: x\u0085web_server:\n  port: 8500\n  host: 127.0.0.1\n",
                // a flow mapping at the root
                "{a: &a {host: 127.0.0.1}, web_server: {<<: *a, port: 8500}}\n",
                "{a: 1, web_server:\n {port: 8500, host: 127.0.0.1}}\n",
                // an explicit key
                "? web_server\n: port: 8500\n  host: 127.0.0.1\n");
    }

    @ParameterizedTest
    @MethodSource("filesTheBlockOfWhichIsRead")
    void theBlockIsReadAsYamlReadsTheWholeFile(String yaml) throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        assertThat(TradingConfigFile.addTo(environment, tradingConfig(yaml), warnings::add)).isPresent();
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(warnings).isEmpty();
    }

    /** Files Spring reads whole: the web_server entries must come out as it reads them. */
    static Stream<String> filesSpringReads() {
        return Stream.of(TRADING_CONFIG.replace("  log_level: \"warn\"\n", ""),
                // a merge after the block's own key: the block's key wins
                "defaults: &d {port: 8000, host: 127.0.0.1}\nweb_server:\n  port: 8500\n  <<: *d\n",
                "a: &a {port: 1}\nweb_server:\n  port: 8500\n  <<: [*a]\n",
                // a merge inside a list item
                "d: &d {url: \"https://hooks.example.invalid/x\"}\nweb_server:\n  alerts:\n    webhooks:\n"
                        + "      - {<<: *d, format: slack}\n",
                // an anchor that merges another, used twice
                "base: &base {port: 8500}\nmid: &mid {<<: *base, host: 127.0.0.1}\nweb_server: {<<: *mid}\n"
                        + "other: {<<: *mid}\n",
                // a merge at the root
                "defaults: &d {web_server: {port: 8500}}\n<<: *d\n",
                // several documents, block and dotted keys
                "web_server:\n  port: 8500\n---\nweb_server.host: 127.0.0.1\nweb_server:\n  fallback_ports: [8501, 8502]\n",
                "\uFEFFweb_server:\n port: 8500\n timeout_keep_alive: 7\n");
    }

    @ParameterizedTest
    @MethodSource("filesSpringReads")
    void theEntriesAreWhatSpringReadsOfTheWholeFile(String yaml) throws Exception {
        Path file = tradingConfig(yaml);
        Map<String, String> spring = new TreeMap<>();
        for (PropertySource<?> document : new YamlPropertySourceLoader().load("whole", new FileSystemResource(file))) {
            OriginTrackedMapPropertySource values = (OriginTrackedMapPropertySource) document;
            for (String name : values.getPropertyNames()) {
                if (name.startsWith("web_server")) {
                    // a later document over an earlier one
                    spring.put(name, values.getProperty(name) + " @ " + values.getOrigin(name));
                }
            }
        }
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        assertThat(TradingConfigFile.addTo(environment, file, warnings::add)).isPresent();
        Map<String, String> ours = new TreeMap<>();
        environment.getPropertySources()
            .stream()
            .filter((source) -> source.getName().contains("(web_server block"))
            .map(OriginTrackedMapPropertySource.class::cast)
            .forEach((source) -> {
                for (String name : source.getPropertyNames()) {
                    ours.putIfAbsent(name, source.getProperty(name) + " @ " + source.getOrigin(name));
                }
            });
        assertThat(spring).isNotEmpty();
        assertThat(ours).isEqualTo(spring);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aBlockYamlCannotBuildNamesTheFileAndQuotesNoValue() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Path file = tradingConfig("web_server:\n  port: !!int secret-8500\n");
        assertThatExceptionOfType(UnusableConfigFileException.class)
            .isThrownBy(() -> TradingConfigFile.addTo(environment, file, warnings::add))
            .withMessageContaining(file + ": its web_server block cannot be read")
            .withMessageNotContaining("secret");
        Path twice = tradingConfig("web_server:\n  port: 8500\nweb_server:\n  port: 8501\n");
        assertThatExceptionOfType(MalformedYamlException.class)
            .isThrownBy(() -> TradingConfigFile.addTo(environment, twice, warnings::add))
            .satisfies((malformed) -> assertThat(malformed.malformed().description()).contains("line 3")
                .contains("duplicate key web_server"));
    }

    @Test
    void aTagInTheBlockIsNamedAsATagNotAsBrokenYaml() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Path file = tradingConfig("exchange:\n  key: !ENV ${KEY}\nweb_server:\n  port: !ENV ${PORT}\n");
        assertThatExceptionOfType(MalformedYamlException.class)
            .isThrownBy(() -> TradingConfigFile.addTo(environment, file, warnings::add))
            .satisfies((malformed) -> {
                assertThat(malformed.malformed().description()).contains("uses a YAML tag Spring does not read")
                    .contains("line 4")
                    .contains("!ENV")
                    .doesNotContain("not valid YAML");
                assertThat(malformed.malformed().action()).contains("without the tag").contains("${NAME}");
            });
    }

    @Test
    void aBlockThatIsAValueIsAWarning() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Path file = tradingConfig("database:\n  port: 5432\nweb_server: 8500\n");
        assertThat(TradingConfigFile.addTo(environment, file, warnings::add)).isEmpty();
        assertThat(warnings).singleElement()
            .asString()
            .startsWith("web_server (")
            .contains("config.yaml, line 3, column 13")
            .contains("is a value, not a block of settings");
        assertThat(TradingConfigFile.addTo(environment, tradingConfig("web_server:\n"), warnings::add)).isEmpty();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void aDuplicateKeyInsideTheBlockStopsTheStart() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        Path file = tradingConfig("database:\n  port: 5432\nweb_server:\n  port: 8500\n  port: 8501\n");
        assertThatExceptionOfType(MalformedYamlException.class)
            .isThrownBy(() -> TradingConfigFile.addTo(environment, file, warnings::add))
            .satisfies((malformed) -> assertThat(malformed.malformed().description()).contains("line 5")
                .doesNotContain("8501"));
    }

    @Test
    void aFileWithoutTheBlockOrNoFileSaysNothing() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        assertThat(TradingConfigFile.addTo(environment, tradingConfig("database:\n  port: 5432\n"), warnings::add))
            .isEmpty();
        assertThat(TradingConfigFile.addTo(environment, directory.resolve("missing.yaml"), warnings::add)).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void theServerReadsItBeforeItsOwnChecks() throws Exception {
        StandardEnvironment environment = environment(List.of(), Map.of(), "");
        new WebServerEnvironmentPostProcessor((factory) -> factory.get(), tradingConfig(TRADING_CONFIG))
            .postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("server.port")).isEqualTo("8500");
        assertThat(environment.getProperty("logging.level.root")).isEqualTo("WARN");
    }

    private Path tradingConfig(String yaml) throws Exception {
        return Files.writeString(directory.resolve("config.yaml"), yaml);
    }

    private StandardEnvironment environment(List<String> arguments, Map<String, Object> variables, String yaml)
            throws Exception {
        return SpringLikeEnvironment.of(directory, arguments, variables, yaml);
    }

}
