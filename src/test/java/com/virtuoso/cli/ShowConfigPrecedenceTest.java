package com.virtuoso.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code show-config} reports the port the server would use, by the order of precedence the
 * README gives: each case sets one adjacent pair, and the higher one wins, with its origin.
 */
class ShowConfigPrecedenceTest {

    @TempDir
    Path directory;

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(List.of("--server.port=9101", "--web_server.port=9102"), Map.of(), "", 9101,
                        "the command line (as server.port)"),
                Arguments.of(List.of("--web_server.port=9102"), Map.of("SERVER_PORT", "9103"), "", 9102,
                        "the command line"),
                Arguments.of(List.of(), Map.of("SERVER_PORT", "9103", "WEBSERVER_PORT", "9104"), "", 9103,
                        "environment variable SERVER_PORT (as server.port)"),
                Arguments.of(List.of(), Map.of("WEBSERVER_PORT", "9104", "WEB_SERVER_PORT", "9105"), "", 9104,
                        "environment variable WEBSERVER_PORT"),
                Arguments.of(List.of("--web_server.in_container=true"), Map.of("WEBSERVER_PORT", "9104", "PORT", "9108"),
                        "", 9104, "environment variable WEBSERVER_PORT"),
                Arguments.of(List.of("--web_server.in_container=true"), Map.of("PORT", "9108", "WEB_SERVER_PORT", "9105"),
                        "", 9108, "environment variable PORT"),
                Arguments.of(List.of("--web_server.in_container=false"), Map.of("PORT", "9108"), "server:\n  port: 9106\n",
                        9106, "application.yaml, line 2, column 9 (as server.port)"),
                Arguments.of(List.of(), Map.of("WEB_SERVER_PORT", "9105"), "server:\n  port: 9106\n", 9105,
                        "environment variable WEB_SERVER_PORT"),
                Arguments.of(List.of(), Map.of(), "web_server:\n  port: 9107\nserver:\n  port: 9106\n", 9106,
                        "application.yaml, line 4, column 9 (as server.port)"),
                Arguments.of(List.of(), Map.of(), "web_server:\n  port: 9107\n", 9107,
                        "application.yaml, line 2, column 9"));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void theHigherOfEachPairWins(List<String> overrides, Map<String, String> variables, String yaml, int port,
            String origin) throws Exception {
        Path config = Files.writeString(directory.resolve("application.yaml"), yaml);
        List<String> args = new ArrayList<>(List.of("show-config", "--json", "--config", config.toString()));
        args.addAll(overrides);
        CliRun run = CliRun.in(variables, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode setting = settingOf(run.out(), "port");
        assertThat(setting.get("value").asInt()).isEqualTo(port);
        assertThat(setting.get("origin").asString()).endsWith(origin);
        assertThat(JsonMapper.shared().readTree(run.out()).get("candidates").get(0).asInt()).isEqualTo(port);
    }

    private static JsonNode settingOf(String json, String key) {
        for (JsonNode setting : JsonMapper.shared().readTree(json).get("settings")) {
            if (setting.get("key").asString().equals(key)) {
                return setting;
            }
        }
        throw new AssertionError("no setting " + key + " in " + json);
    }

}
