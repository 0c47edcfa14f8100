package com.virtuoso.launch;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Command;

import static org.assertj.core.api.Assertions.assertThat;

class ServerArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = { "--help", "-h", "--web_server.port=9000 --help", "--port 8001 -h",
            "--version --help" })
    void helpAnywhereAmongTheArgumentsPrintsTheUsageAndExitsZero(String arguments) {
        Answer answer = Answer.of(arguments);
        assertThat(answer.exitCode()).hasValue(0);
        assertThat(answer.out()).startsWith("Usage: java -jar virtuoso.jar")
            .contains("trading system")
            .contains("config/application.yaml", "config/config.yaml")
            .contains("--web_server.port=", "--server.port=", "--web_server.fallback_ports=")
            .contains("SERVER_PORT", "WEBSERVER_PORT")
            .contains("ports check PORT", "ports --check 8000")
            .contains("Exit codes: 0", "75 no port could be bound", "78 invalid configuration")
            .contains("README.md");
        assertThat(answer.err()).isEmpty();
    }

    @Test
    void theHelpNamesEveryPortsCommand() throws Exception {
        String help = Answer.of("--help").out();
        Command ports = Class.forName("com.virtuoso.cli.PortsCommand").getAnnotation(Command.class);
        assertThat(ports.subcommands()).isNotEmpty()
            .allSatisfy((command) -> assertThat(help).contains("ports " + command.getAnnotation(Command.class).name()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "--version", "-V", "--web_server.port=9000 --version" })
    void versionPrintsTheBuildVersionAndExitsZero(String arguments) {
        Answer answer = Answer.of(arguments);
        assertThat(answer.exitCode()).hasValue(0);
        assertThat(answer.out()).isEqualTo(BuildVersion.current().describe() + System.lineSeparator())
            .matches("Virtuoso \\d+\\.\\d+\\.\\d+\\S* \\(built \\S+\\)\\R");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "--port 8001 | --port | --web_server.port=8001",
            "--port=8001 | --port | --web_server.port=8001", "-p 8001 | -p | --web_server.port=8001",
            "--host 127.0.0.1 | --host | --web_server.host=127.0.0.1",
            "--fallback-ports 9001,9002 | --fallback-ports | --web_server.fallback_ports=9001,9002",
            "--fallback_ports=9001 | --fallback_ports | --web_server.fallback_ports=9001",
            "--log-level debug | --log-level | --web_server.log_level=debug",
            "--reload | --reload | --web_server.reload=true",
            "--no-access-log | --no-access-log | --web_server.access_log=false",
            "--web_server.host=::1 --port | --port | --web_server.port=VALUE (VALUE: a port number from 0 to 65535" })
    void aLookAlikeOfAVirtuosoKeyStopsWithExit2AndTheKeyMeant(String arguments, String option, String meant) {
        Answer answer = Answer.of(arguments);
        assertThat(answer.exitCode()).hasValue(ServerArguments.USAGE);
        assertThat(answer.out()).isEmpty();
        assertThat(answer.err()).startsWith(option + " is not a Virtuoso option, and Spring Boot would silently "
                + "ignore it: did you mean " + meant)
            .contains("Nothing was started");
    }

    @Test
    void everyLookAlikeIsNamed() {
        assertThat(Answer.of("--port 8001 --host=127.0.0.1").err().lines())
            .filteredOn((line) -> line.contains("did you mean"))
            .hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "--web_server.port=9000", "--server.port=9000 --web-server.fallback-ports=1,2",
            "--spring.profiles.active=prod --debug", "--management.server.port=9001 --logging.level.root=warn",
            "--hostname=x --portal=y", "8001" })
    void argumentsForSpringBootAreLeftToIt(String arguments) {
        Answer answer = Answer.of(arguments);
        assertThat(answer.exitCode()).isEmpty();
        assertThat(answer.out()).isEmpty();
        assertThat(answer.err()).isEmpty();
    }

    /** What {@link ServerArguments#answer} made of one command line. */
    private record Answer(OptionalInt exitCode, String out, String err) {

        static Answer of(String arguments) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String[] args = Arrays.stream(arguments.split(" ")).filter((argument) -> !argument.isEmpty())
                .toArray(String[]::new);
            OptionalInt exitCode = ServerArguments.answer(args, new PrintWriter(out), new PrintWriter(err));
            return new Answer(exitCode, out.toString(), err.toString());
        }

    }

}
