package com.virtuoso.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server settles its primary port in the order the README gives, highest first: the command
 * line ({@code --server.port}, then {@code --web_server.port}), {@code SERVER_PORT},
 * {@code WEBSERVER_PORT}, {@code PORT} (in a container or on a cloud platform),
 * {@code WEB_SERVER_PORT}, the file ({@code server.port}, then {@code web_server.port}), the
 * default. Each case sets one adjacent pair: the higher one wins.
 */
class PortPrecedenceTest {

    @TempDir
    Path directory;

    /** Each adjacent pair of the order: arguments, variables, file, the port that wins and its origin. */
    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(List.of("--server.port=9101", "--web_server.port=9102"), Map.of(), "", 9101,
                        "the command line"),
                Arguments.of(List.of("--web_server.port=9102"), Map.of("SERVER_PORT", "9103"), "", 9102,
                        "the command line"),
                Arguments.of(List.of(), Map.of("SERVER_PORT", "9103", "WEBSERVER_PORT", "9104"), "", 9103,
                        "environment variable SERVER_PORT"),
                Arguments.of(List.of(), Map.of("WEBSERVER_PORT", "9104", "WEB_SERVER_PORT", "9105"), "", 9104,
                        "environment variable WEBSERVER_PORT"),
                Arguments.of(List.of(IN_A_CONTAINER), Map.of("WEBSERVER_PORT", "9104", "PORT", "9108"), "", 9104,
                        "environment variable WEBSERVER_PORT"),
                Arguments.of(List.of(IN_A_CONTAINER), Map.of("PORT", "9108", "WEB_SERVER_PORT", "9105"), "", 9108,
                        "environment variable PORT"),
                Arguments.of(List.of(), Map.of("PORT", "9108", "DYNO", "web.1"), "server:\n  port: 9106\n", 9108,
                        "environment variable PORT"),
                Arguments.of(List.of(), Map.of("WEB_SERVER_PORT", "9105"), "server:\n  port: 9106\n", 9105,
                        "environment variable WEB_SERVER_PORT"),
                Arguments.of(List.of(), Map.of(), "web_server:\n  port: 9107\nserver:\n  port: 9106\n", 9106,
                        "application.yaml, line 4"),
                Arguments.of(List.of(), Map.of(), "web_server:\n  port: 9107\n", 9107, "application.yaml, line 2"),
                Arguments.of(List.of(), Map.of(), "", new WebServerProperties().getPort(), "default"));
    }

    private static final String IN_A_CONTAINER = "--web_server.in_container=true";

    @Test
    void portOutsideAContainerOrCloudPlatformIsIgnoredWithAWarning() throws Exception {
        StandardEnvironment environment = environment(List.of("--web_server.in_container=false"),
                Map.of("PORT", "9108"), "web_server:\n  port: 9107\n");
        List<String> warnings = new ArrayList<>();
        WebServerEnvironment.prepare(environment, warnings::add);
        assertThat(environment.getProperty("server.port", Integer.class)).isEqualTo(9107);
        assertThat(warnings).singleElement()
            .asString()
            .startsWith("Environment variable PORT=9108 is ignored: Virtuoso reads PORT only in a container or on a "
                    + "cloud platform")
            .contains("web_server.in_container: true");
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void theHigherOfEachPairWins(List<String> arguments, Map<String, Object> variables, String yaml, int port,
            String origin) throws Exception {
        StandardEnvironment environment = environment(arguments, variables, yaml);
        WebServerEnvironment.prepare(environment, (warning) -> {
        });
        assertThat(environment.getProperty("server.port", Integer.class)).isEqualTo(port);
        PortSource source = WebServerEnvironment.portSource(environment);
        assertThat(source.origin()).contains(origin);
        assertThat(source.inFile()).isEqualTo(origin.startsWith("application.yaml"));
        assertThat(ConfigOrigins.of(environment, "server.port")).hasValueSatisfying(
                (described) -> assertThat(described).contains(origin.equals("default") ? "virtuosoWebServer" : origin));
    }

    private StandardEnvironment environment(List<String> arguments, Map<String, Object> variables, String yaml)
            throws Exception {
        return SpringLikeEnvironment.of(directory, arguments, variables, yaml);
    }

}
