package com.virtuoso.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands read the configuration the server would read in the same directory with the same
 * environment: {@code spring.config.location}, {@code spring.config.additional-location} (as
 * arguments or variables), profile files and documents, read by Spring Boot's own config data
 * machinery; an explicit {@code --config} wins over them.
 */
class ConfigLocationTest {

    @TempDir
    Path directory;

    @Test
    void anAdditionalLocationAndAProfileFileAreReadAsTheServerReadsThem() throws Exception {
        Files.writeString(directory.resolve("application.yaml"), "web_server:\n  port: 9201\n");
        Files.writeString(directory.resolve("application-prod.yaml"), "web_server:\n  port: 9202\n");
        String location = "file:" + directory + "/";
        assertThat(port(CliRun.in(Map.of("SPRING_CONFIG_ADDITIONAL_LOCATION", location), "show-config", "--json")))
            .isEqualTo(9201);
        assertThat(port(CliRun.in(Map.of("SPRING_CONFIG_ADDITIONAL_LOCATION", location, "SPRING_PROFILES_ACTIVE",
                "prod"), "show-config", "--json"))).isEqualTo(9202);
        assertThat(port(CliRun.in(Map.of(), "show-config", "--json", "--spring.config.additional-location=" + location,
                "--spring.profiles.active=prod"))).isEqualTo(9202);
    }

    @Test
    void anExplicitConfigWinsOverTheLocationSettings() throws Exception {
        Path elsewhere = Files.writeString(directory.resolve("elsewhere.yaml"), "web_server:\n  port: 9203\n");
        Path config = Files.writeString(directory.resolve("application.yaml"), "web_server:\n  port: 9204\n");
        CliRun run = CliRun.in(Map.of("SPRING_CONFIG_LOCATION", "file:" + elsewhere, "SPRING_CONFIG_ADDITIONAL_LOCATION",
                "file:" + elsewhere), "show-config", "--json", "--config", config.toString());
        assertThat(port(run)).isEqualTo(9204);
    }

    @Test
    void aMultiDocumentFileIsReadAsSpringReadsIt() throws Exception {
        Path config = Files.writeString(directory.resolve("application.yaml"), "web_server:\n  port: 9205\n---\n"
                + "web_server:\n  port: 9206\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\n"
                + "web_server:\n  port: 9207\n");
        assertThat(port(CliRun.in(Map.of(), "show-config", "--json", "--config", config.toString()))).isEqualTo(9206);
        assertThat(port(CliRun.in(Map.of("SPRING_PROFILES_ACTIVE", "prod"), "show-config", "--json", "--config",
                config.toString()))).isEqualTo(9207);
    }

    @Test
    void updateConfigEditsTheFileALocationSettingNames() throws Exception {
        Path named = Files.writeString(directory.resolve("named.yaml"), "web_server:\n  port: 9208\n");
        CliRun run = CliRun.in(Map.of("SPRING_CONFIG_LOCATION", "file:" + named), "update-config", "9209");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("in " + named);
        assertThat(named).hasContent("web_server:\n  port: 9209");
    }

    @Test
    void aNamedFileThatIsNotUtf8IsNamedWithItsLine() throws Exception {
        Path named = directory.resolve("named.yaml");
        Files.write(named, "web_server:\n  port: 9210 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        CliRun run = CliRun.in(Map.of("SPRING_CONFIG_LOCATION", "file:" + named), "show-config");
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err().lines()).singleElement()
            .asString()
            .contains(named + " is not UTF-8 text: byte 0xE9 on line 2", "Fix:")
            .doesNotContain("Exception", "error:");
    }

    @Test
    void aConfigFileWhoseNameDoesNotSayYamlIsReadAsYaml() throws Exception {
        Path config = Files.writeString(directory.resolve("virtuoso.conf"), "web_server:\n  port: 9209\n");
        assertThat(port(CliRun.in(Map.of(), "show-config", "--json", "--config", config.toString()))).isEqualTo(9209);
    }

    @Test
    void aLocationThatNamesNoFileIsOneLineAndExit78() {
        CliRun run = CliRun.in(Map.of("SPRING_CONFIG_LOCATION", directory.resolve("typo.yaml").toString()),
                "show-config");
        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.err()).contains("typo.yaml").contains("cannot be found").contains("Fix:")
            .doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static int port(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (JsonNode setting : JsonMapper.shared().readTree(run.out()).get("settings")) {
            if (setting.get("key").asString().equals("port")) {
                return setting.get("value").asInt();
            }
        }
        throw new AssertionError("no port in " + run.out());
    }

}
