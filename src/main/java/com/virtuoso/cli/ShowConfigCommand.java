package com.virtuoso.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;

import com.virtuoso.alerts.WebhookUrl;
import com.virtuoso.config.ConfigOrigins;
import com.virtuoso.config.WebServerEnvironment;
import com.virtuoso.config.WebServerProperties;
import com.virtuoso.ports.PortTraps;
import com.virtuoso.targets.PrometheusTargets;

/**
 * {@code ports show-config}: the effective web_server settings and where each one came from.
 * Webhook URLs are shown {@link WebhookUrl#redacted() redacted}: the output is pasted into tickets
 * and chats, and the token in a webhook URL lets anyone post to the channel.
 */
@Command(name = "show-config", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "Show the effective web_server settings, where each value came from (file and line, "
                + "environment, command line, default), the order in which ports are tried, and warnings.",
                "Exit 0; 78 when the configuration is invalid." })
class ShowConfigCommand extends ConfiguredCommand implements Callable<Integer> {

    /**
     * One setting.
     *
     * @param key the key as the YAML writes it
     * @param value the effective value
     * @param origin where it came from
     */
    record Setting(String key, Object value, String origin) {
    }

    /**
     * The answer of {@code show-config --json}.
     *
     * @param configFile the file read, or {@code null}
     * @param tradingConfigFile the trading system's config/config.yaml, when its web_server block
     * was read too; else {@code null}
     * @param settings every web_server setting
     * @param candidates the ports in the order the server tries them
     * @param warnings traps, duplicates, deprecated variables, webhooks over plain http
     */
    record Report(String configFile, String tradingConfigFile, List<Setting> settings, List<Integer> candidates,
            List<String> warnings) {
    }

    @Override
    public Integer call() {
        LoadedConfig config = loadConfig();
        ConfigurableEnvironment environment = config.environment();
        WebServerProperties properties = config.properties();
        List<Setting> settings = List.of(
                setting(environment, "host", environment.getProperty("server.address"), "server.address"),
                new Setting("port", config.primaryPort(), config.port().origin()
                        + ("server.port".equals(config.port().key()) ? " (as server.port)" : "")),
                setting(environment, "log_level", environment.getProperty("logging.level.root"), "logging.level.root"),
                setting(environment, "access_log", properties.isAccessLog(), null),
                setting(environment, "reload", properties.isReload(), null),
                setting(environment, "timeout_keep_alive", properties.getTimeoutKeepAlive(), null),
                setting(environment, "fallback_ports", properties.getFallbackPorts(), null),
                setting(environment, "auto_fallback", properties.isAutoFallback(), null),
                setting(environment, "additional_ports", properties.getAdditionalPorts(), null),
                setting(environment, "management_fallback_ports", properties.getManagementFallbackPorts(), null),
                setting(environment, "reclaim", properties.isReclaim(), null),
                setting(environment, "reclaim_release_fallback_after",
                        duration(properties.getReclaimReleaseFallbackAfter()), null),
                setting(environment, "monitor.interval", duration(properties.getMonitor().getInterval()), null),
                setting(environment, "alerts.webhooks", properties.getAlerts()
                    .getWebhooks()
                    .stream()
                    .map((webhook) -> webhook.getFormat().name().toLowerCase(Locale.ROOT) + " "
                            + new WebhookUrl(webhook.getUrl()).redacted())
                    .toList(), null),
                setting(environment, "alerts.dedup_window", duration(properties.getAlerts().getDedupWindow()), null),
                setting(environment, "state_dir", properties.getStateDir(), null),
                setting(environment, "prometheus_targets_dir", PrometheusTargets
                    .directoryOf(Path.of(properties.getStateDir()), properties.getPrometheusTargetsDir())
                    .toString(), null),
                setting(environment, "history_limit", properties.getHistoryLimit(), null),
                setting(environment, "public_endpoints", properties.getPublicEndpoints(), null));
        List<String> warnings = new ArrayList<>(config.warnings());
        warnings.addAll(new PortTraps(PortTools.of(config).privileges()).warnings(config.candidates()));
        properties.getAlerts()
            .getWebhooks()
            .stream()
            .map((webhook) -> new WebhookUrl(webhook.getUrl()).cleartextWarning())
            .forEach((warning) -> warning.ifPresent(warnings::add));
        Report report = new Report((config.file() != null) ? config.file().toString() : null,
                (config.tradingConfig() != null) ? config.tradingConfig().toString() : null, settings,
                config.candidates().ports(), warnings);
        if (json) {
            printJson(report);
        }
        else {
            printText(report);
        }
        return 0;
    }

    private void printText(Report report) {
        out().println("Config file: " + ((report.configFile() != null) ? report.configFile() : "(none: defaults)"));
        if (report.tradingConfigFile() != null) {
            out().println("Also read: the web_server block of " + report.tradingConfigFile() + ", below "
                    + "config/application.yaml (merge the block into that file when you can)");
        }
        for (Setting setting : report.settings()) {
            out().printf("  %-42s %-32s %s%n", "web_server." + setting.key(), setting.value(), setting.origin());
        }
        out().println("Ports tried, in order: " + report.candidates());
        if (!report.warnings().isEmpty()) {
            out().println("Warnings:");
            report.warnings().forEach((warning) -> out().println("  " + warning));
        }
    }

    /** {@code 10s}, as the YAML would write it; {@code (not set)} for null. */
    private static String duration(Duration duration) {
        if (duration == null) {
            return "(not set)";
        }
        ChronoUnit unit = (duration.toMillis() % 60_000 == 0) ? ChronoUnit.MINUTES
                : (duration.toMillis() % 1000 == 0) ? ChronoUnit.SECONDS : ChronoUnit.MILLIS;
        return DurationStyle.SIMPLE.print(duration, unit);
    }

    /** A setting with its origin; Spring's own key, when set, is where the value came from. */
    private static Setting setting(ConfigurableEnvironment environment, String key, Object value, String springKey) {
        String canonical = "web-server." + key.replace('_', '-');
        Optional<String> springOrigin = Optional.ofNullable(springKey)
            .flatMap((spring) -> ConfigOrigins.of(environment, spring))
            .filter((origin) -> !origin.equals(WebServerEnvironment.MAPPED_SOURCE))
            .map((origin) -> origin + " (as " + springKey + ")");
        String origin = springOrigin.or(() -> ConfigOrigins.of(environment, canonical))
            .or(() -> ConfigOrigins.of(environment, canonical + "[0]"))
            .or(() -> ConfigOrigins.of(environment, canonical + "[0].url"))
            .orElse("default");
        return new Setting(key, value, origin);
    }

}
