package com.virtuoso.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.virtuoso.VirtuosoApplication;
import com.virtuoso.server.StartupExitCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Webhook settings that could only fail later, at the first alert, stop the start instead, with
 * the usual message and exit code 78.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookSettingsTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            alerts: {dedup_window: 0s}                                  | web_server.alerts.dedup_window = | must be more than 0                | Set web_server.alerts.dedup_window to a duration such as 5m
            alerts: {dedup_window: -5m}                                 | web_server.alerts.dedup_window = | must be more than 0                | Set web_server.alerts.dedup_window to a duration such as 5m
            alerts: {webhooks: [{url: "https://alerts.example/hook"}]}  | web_server.alerts.webhooks[0].format = | must be set                     | Set web_server.alerts.webhooks[0].format to one of discord, slack, generic
            """)
    void aBadWebhookSettingStopsTheStart(String yaml, String key, String reason, String fix, CapturedOutput output)
            throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, "web_server:\n  state_dir: " + directory + "\n  " + yaml + "\n");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(VirtuosoApplication.class)
            .run("--spring.config.location=" + config.toUri()));
        assertThat(failure).isInstanceOf(InvalidConfigurationException.class);
        assertThat(StartupExitCodes.of(failure)).isEqualTo(InvalidConfigurationException.EXIT_CODE);
        assertThat(output).contains("Invalid configuration:")
            .contains(key)
            .contains(reason)
            .contains(fix)
            .doesNotContain("Application run failed")
            .doesNotContain("\tat ");
    }

}
