package com.virtuoso.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.config.PortSource;

/**
 * What every {@code ports} command shares: the config file, the same overrides as the server
 * ({@code --web_server.port=9000}, {@code --server.port=9000}), and {@code --json}.
 */
abstract class ConfiguredCommand {

    /** Process start times as people read them, in the local time zone. */
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    /** The server's settings, and the Spring settings that choose which config files it reads. */
    private static final Pattern OVERRIDE = Pattern.compile("--((web_server|web-server|server)\\.[\\w.\\[\\]-]+"
            + "|spring\\.config\\.(location|additional-location|import)|spring\\.profiles\\.active)=.*");

    @Spec
    CommandSpec spec;

    @ParentCommand
    PortsCommand ports;

    @Option(names = "--config", paramLabel = "PATH", defaultValue = "config/application.yaml",
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--json", description = "Print JSON for scripts instead of text for people.")
    boolean json;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    /** The configuration with the overrides, validated as the server would. */
    LoadedConfig loadConfig() {
        checkOverrides();
        boolean required = spec.commandLine().getParseResult().hasMatchedOption("--config");
        return LoadedConfig.load(config, required, overrides, ports.variables(), ports.tradingConfig());
    }

    /**
     * Where the port comes from, read as {@link #loadConfig()} reads it, without validating it; a
     * missing config file is no error, since the commands that ask create it.
     */
    PortSource portSource() {
        checkOverrides();
        boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--config");
        return LoadedConfig.portSource(config, explicit, overrides, ports.variables(), ports.tradingConfig());
    }

    /**
     * Why the file this command would create or edit when nothing sets the port is not one the
     * server reads, or empty when it is: {@code spring.config.location} (an argument or
     * {@code SPRING_CONFIG_LOCATION}) replaces {@code config/application.yaml}, unless
     * {@code --config} named the file.
     */
    Optional<String> unreadFileReason(String command, int port) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--config")) {
            return Optional.empty();
        }
        String prefix = "--spring.config.location=";
        Optional<String> location = overrides.stream()
            .filter((override) -> override.startsWith(prefix))
            .map((override) -> override.substring(prefix.length()))
            .reduce((first, last) -> last)
            .or(() -> Optional.ofNullable(ports.variables().get("SPRING_CONFIG_LOCATION")));
        return location.map((where) -> "No file the server reads sets the port, and spring.config.location (" + where
                + ") replaces " + config + ": nothing was changed. Fix: set web_server.port: " + port
                + " in a file of that location, or run " + command + " again with --config FILE naming it.");
    }

    private void checkOverrides() {
        for (String override : overrides) {
            if (!OVERRIDE.matcher(override).matches()) {
                throw new ParameterException(spec.commandLine(), "Unknown option: '" + override
                        + "'. Settings are overridden as for the server, e.g. --web_server.port=9000");
            }
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code value} as one line of JSON. */
    void printJson(Object value) {
        out().println(JsonMapper.shared().writeValueAsString(value));
        out().flush();
    }

    /** One aligned line about a process holding a port: PID, user, start time, command, and a note. */
    void printHolder(long pid, String user, Instant started, String command, String note) {
        out().printf("  PID %-8d %-10s started %-20s %s%s%n", pid, user,
                (started != null) ? STARTED.format(started) : "unknown", command, note);
    }

    /** Prints the warnings of the configuration to stderr, where they do not spoil stdout. */
    void printWarnings(LoadedConfig loaded) {
        loaded.warnings().forEach((warning) -> err().println("warning: " + warning));
        err().flush();
    }

}
