package com.virtuoso.config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.VirtuosoApplication;
import com.virtuoso.cli.PortsCli;
import com.virtuoso.server.StartupExitCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A bad value stops the start before anything listens, with the key, the value, where it came
 * from and the fix, and exit code 78.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidConfigurationTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            port: 70000              | web_server.port = "70000"              | must be between 0 and 65535             | Set web_server.port to a port number from 0 to 65535
            port: -1                 | web_server.port = "-1"                 | must be between 0 and 65535              | Set web_server.port to a port number
            port: eighty             | web_server.port = "eighty"             | is not a port number                     | Set web_server.port to a port number
            fallback_ports: [1, x]   | web_server.fallback_ports[1] = "x"     | is not a list of port numbers            | Set web_server.fallback_ports[1] to a list of port numbers
            fallback_ports: [99999]  | web_server.fallback_ports[0] = "99999" | must be between 0 and 65535             | Set web_server.fallback_ports[0]
            log_level: loud          | web_server.log_level = "loud"          | is not one of trace, debug, info         | Set web_server.log_level to one of trace, debug, info, warn, error, off
            timeout_keep_alive: -5   | web_server.timeout_keep_alive = "-5"   | must be between 0 and 86400              | Set web_server.timeout_keep_alive to a whole number of seconds
            auto_fallback: maybe     | web_server.auto_fallback = "maybe"     | is not true or false                     | Set web_server.auto_fallback to true or false
            host: no-such-host.invalid | web_server.host = "no-such-host.invalid" | is not an IP address or a host name   | Set web_server.host to an IP address
            public_endpoints: [Prometheus] | web_server.public_endpoints[0] = "Prometheus" | must be an endpoint id | Set web_server.public_endpoints[0] to a list of actuator endpoint ids
            prometheus_targets_dir: "  " | web_server.prometheus_targets_dir = "  " | must not be blank: leave it unset for state_dir/prometheus | Set web_server.prometheus_targets_dir to a directory path
            prot: 9000               | web_server.prot = "9000"               | is not a web_server setting              | Remove it, or use one of: access_log
            """)
    void aBadValueNamesKeyValueOriginAndFix(String yaml, String keyAndValue, String reason, String fix,
            CapturedOutput output) throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  state_dir: " + directory + "\n  " + yaml + "\n");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(failure).isInstanceOf(InvalidConfigurationException.class);
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains("Invalid configuration:")
            .contains(keyAndValue + " (" + config + ", line 3, column ")
            .contains(reason)
            .contains(fix)
            .doesNotContain("Application run failed")
            .doesNotContain("\tat ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            --server.port=70000 | server.port = "70000" (the command line): must be between 0 and 65535
            --server.port=http  | server.port = "http" (the command line): is not a port number
            """)
    void springsServerPortGetsTheSameRules(String argument, String message, CapturedOutput output) {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=classpath:/application.yaml", argument,
                    "--web_server.state_dir=" + directory));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains(message).contains("Set server.port to a port number from 0 to 65535");
    }

    @Test
    void anInvalidWebhookUrlIsNamedWithoutItsToken(CapturedOutput output) throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  state_dir: " + directory + "\n  alerts: {webhooks: [{url: "
                + "\"ftp://alerts:pa55@discord.com/api/webhooks/1234/Zq8v-S3cr3tT0ken?wait=true\"}]}\n");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains("web_server.alerts.webhooks[0].url = \"ftp://discord.com/…\" (" + config
                + ", line 3, column ")
            .contains("must be an http or https URL with a host")
            .doesNotContain("Zq8v-S3cr3tT0ken", "/1234", "pa55", "wait=true");
        assertThat(failure.getMessage()).doesNotContain("Zq8v-S3cr3tT0ken", "pa55");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            alerts: {webhooks: "https://discord.com/api/webhooks/1234/Zq8v-S3cr3tT0ken"}      | web_server.alerts.webhooks
            alert: {webhooks: [{url: "https://discord.com/api/webhooks/1234/Zq8v-S3cr3tT0ken"}]} | web_server.alert.webhooks[0].url
            webhooks: [{url: "https://discord.com/api/webhooks/1234/Zq8v-S3cr3tT0ken"}]        | web_server.webhooks[0].url
            """)
    void aUrlUnderAnyKeyIsShownWithoutItsToken(String yaml, String key, CapturedOutput output) throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  state_dir: " + directory + "\n  " + yaml + "\n");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains(key).contains("https://discord.com/…").doesNotContain("Zq8v-S3cr3tT0ken", "/1234");
        assertThat(failure.getMessage()).doesNotContain("Zq8v-S3cr3tT0ken");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = PortsCli.run(new String[] { "show-config", "--config", config.toString() },
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exitCode).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(err.toString()).contains(key).contains("https://discord.com/…");
        assertThat(out.toString() + err).doesNotContain("Zq8v-S3cr3tT0ken", "/1234");
    }

    @Test
    void malformedYamlNamesLineAndColumn(CapturedOutput output) throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  port: 9000\n   host: [oops\n");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains("is not valid YAML, at line 3, column 8: mapping values are not allowed here")
            .doesNotContain("Application run failed");
    }

    @Test
    void aConfigFileThatIsNotUtf8IsAConfigErrorWithoutAStackTrace(CapturedOutput output) throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.write(config, "web_server:\n  port: 9000 # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains("A config file is not UTF-8 text", "Save the config file as UTF-8")
            .doesNotContain("Application run failed");
    }

    @Test
    void aMalformedEscapeInAPropertiesFileIsAConfigErrorWithoutAStackTrace(CapturedOutput output) throws Exception {
        Path config = directory.resolve("application.properties");
        Files.writeString(config, "a=\\uZZZZ\nserver.port=0\n");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains("A .properties config file holds a malformed \\uXXXX escape",
                "ports show-config", "The server did not start.")
            .doesNotContain("Application run failed");
    }

    @Test
    void aMissingConfigFileNamedExplicitlyIsAConfigError(CapturedOutput output) {
        Path missing = directory.resolve("nowhere.yaml");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + missing.toUri()));
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains(missing.toString()).doesNotContain("Application run failed");
    }

}
