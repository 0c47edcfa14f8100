package com.virtuoso.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import com.virtuoso.VirtuosoApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ports update-config} edits only the value it is asked to, and never leaves a broken file.
 */
class UpdateConfigCommandTest {

    /** The shipped config, comments and all. */
    private static final Path SHIPPED = Path.of("config/application.yaml");

    @TempDir
    Path directory;

    @Test
    void aCommentedFileStaysByteIdenticalButTheValue() throws Exception {
        Path config = copyOfShipped();
        String before = Files.readString(config);
        CliRun run = CliRun.of("update-config", "9123", "--config", config.toString());
        assertThat(run.exitCode()).isZero();
        String portLine = portLine(before);
        assertThat(run.out()).contains("Set web_server.port to 9123", "(was " + portLine.replaceAll("\\D", "") + ")",
                ".bak");
        assertThat(Files.readString(config)).isEqualTo(before.replace(portLine, portLine.replaceFirst("\\d+", "9123")));
        assertThat(backups(directory, "application.yaml")).singleElement().satisfies((backup) -> {
            assertThat(backup).hasContent(before);
            assertThat(run.out()).contains("the previous file is " + backup);
        });
    }

    @Test
    void fallbackPortsAreReplacedOnTheirLineOnly() throws Exception {
        Path config = copyOfShipped();
        String before = Files.readString(config);
        assertThat(CliRun.of("update-config", "9123", "--fallback", "9124,9125,0", "--config", config.toString())
            .exitCode()).isZero();
        String portLine = portLine(before);
        assertThat(Files.readString(config)).isEqualTo(before.replace(portLine, portLine.replaceFirst("\\d+", "9123"))
            .replace("fallback_ports: [8001, 8002, 8080, 3000, 5000]", "fallback_ports: [9124, 9125, 0]"));
    }

    @Test
    void aLinkPlantedAsTheLockFileIsOneClearLineAndExit77() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  port: 9000\n");
        Path target = Files.writeString(directory.resolve("precious"), "keep me\n");
        Files.createSymbolicLink(directory.resolve("application.yaml.lock"), target);
        CliRun run = CliRun.of("update-config", "9123", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(77);
        assertThat(run.err().lines()).singleElement()
            .asString()
            .contains("application.yaml.lock is a symbolic link", "Fix: remove")
            .doesNotContain("Exception", "error:");
        assertThat(target).hasContent("keep me");
        assertThat(config).hasContent("web_server:\n  port: 9000");
    }

    @Test
    void aBlockListAndAMissingKeyAndCrlfAreHandled() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "# ops\r\nweb_server:\r\n  host: 127.0.0.1  # lo\r\n  fallback_ports:\r\n"
                + "    - 8001\r\n    - 8002\r\n  auto_fallback: true\r\nlogging:\r\n  level:\r\n    port: 3\r\n");
        assertThat(CliRun.of("update-config", "9000", "--fallback", "9001", "--config", config.toString()).exitCode())
            .isZero();
        assertThat(Files.readString(config)).isEqualTo("# ops\r\nweb_server:\r\n  port: 9000\r\n  host: 127.0.0.1  # lo\r\n"
                + "  fallback_ports: [9001]\r\n  auto_fallback: true\r\nlogging:\r\n  level:\r\n    port: 3\r\n");
    }

    @Test
    void aFileWithoutTheBlockGetsOneAndAMissingFileIsCreated() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "spring:\n  application:\n    name: x\n");
        assertThat(CliRun.of("update-config", "9000", "--config", config.toString()).exitCode()).isZero();
        assertThat(Files.readString(config)).isEqualTo("spring:\n  application:\n    name: x\n\nweb_server:\n  port: 9000\n");
        Path fresh = directory.resolve("config/application.yaml");
        assertThat(CliRun.of("update-config", "9001", "--config", fresh.toString()).exitCode()).isZero();
        assertThat(Files.readString(fresh)).isEqualTo("web_server:\n  port: 9001\n");
    }

    @Test
    void aSymlinkedConfigStaysALinkAndKeepsItsMode() throws Exception {
        Path real = Files.createDirectories(directory.resolve("deploy")).resolve("application.yaml");
        Files.copy(SHIPPED, real);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createDirectories(directory.resolve("config")).resolve("application.yaml");
        Files.createSymbolicLink(link, real);
        String before = Files.readString(real);
        CliRun run = CliRun.of("update-config", "9123", "--config", link.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("the previous file is " + real.toRealPath() + ".").contains(".bak");
        assertThat(link).isSymbolicLink();
        String portLine = portLine(before);
        assertThat(Files.readString(real)).isEqualTo(before.replace(portLine, portLine.replaceFirst("\\d+", "9123")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(real))).isEqualTo("rw-r-----");
    }

    @Test
    void aMalformedFileIsRefusedUntouched() throws Exception {
        Path config = directory.resolve("application.yaml");
        String broken = "web_server:\n  port: 9000\n   host: [oops\n";
        Files.writeString(config, broken);
        CliRun run = CliRun.of("update-config", "9000", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err()).contains("is not valid YAML, at line 3, column 8").contains("Nothing was changed");
        assertThat(Files.readString(config)).isEqualTo(broken);
        assertThat(directory).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void anInvalidPortIsAUsageError() throws Exception {
        Path config = copyOfShipped();
        String before = Files.readString(config);
        assertThat(CliRun.of("update-config", "70000", "--config", config.toString()).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("update-config", "9000", "--fallback", "1,99999", "--config", config.toString())
            .exitCode()).isEqualTo(2);
        assertThat(Files.readString(config)).isEqualTo(before);
    }

    @Test
    void twoUpdatesAtOnceLeaveAValidFile() throws Exception {
        Path config = copyOfShipped();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> updates = new ArrayList<>();
        for (int port : List.of(9101, 9102, 9103)) {
            updates.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    VirtuosoApplication.class.getName(), "ports", "update-config", Integer.toString(port),
                    "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
        }
        for (Process update : updates) {
            assertThat(update.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(update.exitValue()).isZero();
        }
        Map<String, Object> yaml = new Yaml().load(Files.readString(config));
        @SuppressWarnings("unchecked")
        Map<String, Object> block = (Map<String, Object>) yaml.get("web_server");
        assertThat(block.get("port")).isIn(9101, 9102, 9103);
        String shipped = Files.readString(SHIPPED);
        String portLine = portLine(shipped);
        assertThat(Files.readString(config))
            .isEqualTo(shipped.replace(portLine, portLine.replaceFirst("\\d+", block.get("port").toString())));
    }

    @Test
    void aPortFromTheEnvironmentOrTheCommandLineIsNamedAndNothingChanges() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  port: 9000\n");
        CliRun variable = CliRun.in(Map.of("SERVER_PORT", "9001"), "update-config", "9123", "--config",
                config.toString());
        assertThat(variable.exitCode()).isOne();
        assertThat(variable.out().lines()).singleElement()
            .asString()
            .contains("environment variable SERVER_PORT", "nothing was changed", "Fix: set SERVER_PORT=9123");
        CliRun json = CliRun.in(Map.of("WEBSERVER_PORT", "9001"), "update-config", "9123", "--json", "--config",
                config.toString());
        assertThat(json.exitCode()).isOne();
        assertThat(json.out()).contains("\"done\":false", "environment variable WEBSERVER_PORT");
        CliRun commandLine = CliRun.in(Map.of(), "update-config", "9123", "--config", config.toString(),
                "--server.port=9001");
        assertThat(commandLine.exitCode()).isOne();
        assertThat(commandLine.out()).contains("the command line", "Fix: pass --server.port=9123");
        assertThat(config).hasContent("web_server:\n  port: 9000");
        assertThat(directory).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void theKeyThatSuppliesThePortIsTheOneEdited() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  port: 9000\nserver:\n  port: 9001 # Spring's key wins\n");
        CliRun run = CliRun.in(Map.of(), "update-config", "9123", "--json", "--config", config.toString());
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("\"done\":true", "\"key\":\"server.port\"", "\"oldPort\":9001");
        assertThat(config).hasContent("web_server:\n  port: 9000\nserver:\n  port: 9123 # Spring's key wins");
        CliRun shown = CliRun.in(Map.of(), "show-config", "--config", config.toString());
        assertThat(shown.out()).containsPattern("web_server.port\\s+9123");
    }

    @Test
    void theLastFiveBackupsAreKeptWithTheirTimeInTheName() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  port: 9000\n");
        for (int port = 9001; port <= 9007; port++) {
            assertThat(CliRun.of("update-config", Integer.toString(port), "--config", config.toString()).exitCode())
                .isZero();
        }
        List<Path> backups = backups(directory, "application.yaml");
        assertThat(backups).hasSize(5)
            .allSatisfy((backup) -> assertThat(backup.getFileName().toString())
                .matches("application\\.yaml\\.\\d{8}T\\d{6}\\.\\d{6}Z\\.bak"));
        // oldest first: the ports the updates 3 to 7 replaced
        assertThat(backups).map(Files::readString)
            .containsExactly("web_server:\n  port: 9002\n", "web_server:\n  port: 9003\n", "web_server:\n  port: 9004\n",
                    "web_server:\n  port: 9005\n", "web_server:\n  port: 9006\n");
        assertThat(config).hasContent("web_server:\n  port: 9007");
    }

    @Test
    void aFileThatIsNotUtf8IsOneClearLineAndExit78() throws Exception {
        Path config = directory.resolve("application.yaml");
        byte[] latin1 = "web_server:\n  port: 9000 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(config, latin1);
        assertEveryCommandSaysInOneLineAndExits78(config, "is not UTF-8 text: byte 0xE9 on line 2",
                "Fix: save it as UTF-8");
        assertThat(Files.readAllBytes(config)).isEqualTo(latin1);
        assertThat(directory).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void inAMultiDocumentFileTheDocumentThatSuppliesThePortIsEdited() throws Exception {
        Path config = directory.resolve("application.yaml");
        String yaml = "web_server:\n  port: 9000\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\n"
                + "web_server:\n  port: 9001\n";
        Files.writeString(config, yaml);
        CliRun plain = CliRun.in(Map.of(), "update-config", "9123", "--config", config.toString());
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(config).hasContent(yaml.replace("9000", "9123").strip());
        CliRun prod = CliRun.in(Map.of("SPRING_PROFILES_ACTIVE", "prod"), "update-config", "9124", "--config",
                config.toString());
        assertThat(prod.exitCode()).as(prod.err()).isZero();
        assertThat(config).hasContent(yaml.replace("9000", "9123").replace("9001", "9124").strip());
    }

    @Test
    void aMultiDocumentFileThatDoesNotSetThePortIsNotEditedButSaysWhy() throws Exception {
        Path config = directory.resolve("application.yaml");
        String yaml = "web_server:\n  host: 127.0.0.1\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\n"
                + "web_server:\n  host: ::1\n";
        Files.writeString(config, yaml);
        CliRun run = CliRun.in(Map.of(), "update-config", "9123", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err().lines()).singleElement()
            .asString()
            .contains("holds 2 YAML documents", "Fix:", "Nothing was changed")
            .doesNotContain("Exception", "error:");
        assertThat(config).hasContent(yaml.strip());
    }

    @Test
    void aPropertiesFileThatSetsThePortIsEditedOnTheLineOfItsKeyOnly() throws Exception {
        // a config directory, as config/ is: Spring reads its application.properties
        Path properties = directory.resolve("application.properties");
        String before = "# ops \u00e9quipe\r\nspring.application.name = x\r\n! old style\r\n"
                + "web_server.host: 127.0.0.1\r\nserver.port = 8000\r\n\r\nlogging.level.root=info";
        Files.write(properties, before.getBytes(StandardCharsets.ISO_8859_1));
        Map<String, String> variables = Map.of("SPRING_CONFIG_LOCATION", "file:" + directory + "/");
        CliRun run = CliRun.in(variables, "update-config", "9123", "--json");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"done\":true", "\"key\":\"server.port\"", "\"oldPort\":8000");
        assertThat(Files.readAllBytes(properties))
            .isEqualTo(before.replace("8000", "9123").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(backups(directory, "application.properties")).singleElement()
            .satisfies((backup) -> assertThat(Files.readAllBytes(backup))
                .isEqualTo(before.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(CliRun.in(variables, "show-config").out()).containsPattern("web_server.port\\s+9123");
    }

    @Test
    void aPropertiesFileWithoutThePortGetsALineAndItsIndexedFallbacksGiveWayToTheNewList() throws Exception {
        Path properties = directory.resolve("virtuoso.properties");
        Files.writeString(properties, "spring.application.name=x\nweb_server.fallback_ports[0]=8001\n"
                + "web_server.fallback_ports[1]: 8002\nweb_server.host=127.0.0.1");
        CliRun run = CliRun.in(Map.of(), "update-config", "9000", "--fallback", "9001,0", "--config",
                properties.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(properties).hasContent("spring.application.name=x\nweb_server.fallback_ports=9001,0\n"
                + "web_server.host=127.0.0.1\nweb_server.port=9000\n");
        CliRun shown = CliRun.in(Map.of(), "show-config", "--config", properties.toString());
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.out()).containsPattern("web_server.port\\s+9000")
            .containsPattern("fallback_ports\\s+\\[9001, 0\\]");
    }

    @Test
    void aPropertiesListWithEmptyBracketsBecomesOneLine() throws Exception {
        Path properties = directory.resolve("virtuoso.properties");
        Files.writeString(properties, "web_server.fallback_ports[]=8001,8002\nserver.port=8000\n");
        CliRun run = CliRun.in(Map.of(), "update-config", "9000", "--fallback", "9001", "--config",
                properties.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(properties).hasContent("web_server.fallback_ports=9001\nserver.port=9000\n");
    }

    @Test
    void aPropertiesEditTheEditorCannotDoIsOneClearLineAndExit78() throws Exception {
        Path properties = directory.resolve("virtuoso.properties");
        // Spring reads server.port here: the key goes on over two lines
        String before = "server.\\\nport=8000\n";
        Files.writeString(properties, before);
        CliRun run = CliRun.in(Map.of(), "update-config", "9000", "--config", properties.toString());
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err().lines()).singleElement()
            .asString()
            .contains("Cannot set server.port to 9000 in " + properties,
                    "Fix: set server.port=9000 in " + properties + " by hand. Nothing was changed.")
            .doesNotContain("Exception", "error:");
        assertThat(properties).hasContent(before);
        assertThat(directory).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void aMalformedUnicodeEscapeInAPropertiesFileIsOneClearLineAndExit78() throws Exception {
        Path properties = directory.resolve("virtuoso.properties");
        String before = "# ops\na=\\uZZZZ\nserver.port=8000\n";
        Files.writeString(properties, before);
        assertEveryCommandSaysInOneLineAndExits78(properties,
                properties + " cannot be read as properties: line 2 holds a malformed \\uXXXX escape", "Fix:");
        assertThat(properties).hasContent(before);
        assertThat(directory).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void aDottedKeyIsEditedOnItsLineAndNoSecondBlockIsAdded() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "spring.application.name: x\nserver.port: 8000  # Spring's key\n");
        CliRun spring = CliRun.in(Map.of(), "update-config", "9123", "--config", config.toString());
        assertThat(spring.exitCode()).as(spring.out() + spring.err()).isZero();
        assertThat(spring.out()).contains("Set server.port to 9123", "(was 8000)");
        assertThat(config).hasContent("spring.application.name: x\nserver.port: 9123  # Spring's key");
        Files.writeString(config, "\"web_server.port\": 8000\nweb_server.fallback_ports: [8001]\n");
        CliRun ours = CliRun.in(Map.of(), "update-config", "9124", "--fallback", "9125", "--config", config.toString());
        assertThat(ours.exitCode()).as(ours.out() + ours.err()).isZero();
        assertThat(config).hasContent("\"web_server.port\": 9124\nweb_server.fallback_ports: [9125]");
    }

    @Test
    void inAMultiDocumentFileTheDottedKeyOfTheDocumentThatSuppliesThePortIsEdited() throws Exception {
        Path config = directory.resolve("application.yaml");
        String yaml = "web_server.port: 9000\n---\nspring.config.activate.on-profile: prod\nweb_server.port: 9001\n";
        Files.writeString(config, yaml);
        CliRun prod = CliRun.in(Map.of("SPRING_PROFILES_ACTIVE", "prod"), "update-config", "9124", "--config",
                config.toString());
        assertThat(prod.exitCode()).as(prod.out() + prod.err()).isZero();
        assertThat(config).hasContent(yaml.replace("9001", "9124").strip());
    }

    /** The backups of {@code name} in {@code directory}, oldest first. */
    static List<Path> backups(Path directory, String name) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter((file) -> file.getFileName().toString().startsWith(name + "."))
                .filter((file) -> file.getFileName().toString().endsWith(".bak"))
                .sorted()
                .toList();
        }
    }

    /** The line of the shipped config that sets web_server.port, comment and all. */
    private static String portLine(String yaml) {
        return yaml.lines().filter((line) -> line.startsWith("  port:")).findFirst().orElseThrow();
    }

    private Path copyOfShipped() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.copy(SHIPPED, config);
        return config;
    }

    /** update-config, show-config and check on {@code config}: each one line saying {@code expected}, exit 78. */
    private static void assertEveryCommandSaysInOneLineAndExits78(Path config, String... expected) {
        for (String command : List.of("update-config", "show-config", "check")) {
            List<String> args = new ArrayList<>(List.of(command, "--config", config.toString()));
            if (!command.equals("show-config")) {
                args.add(1, "9123");
            }
            CliRun run = CliRun.in(Map.of(), args.toArray(String[]::new));
            assertThat(run.exitCode()).as(command).isEqualTo(78);
            assertThat(run.err().lines()).as(command)
                .singleElement()
                .asString()
                .contains(expected)
                .doesNotContain("Exception", "error:");
        }
    }

}
