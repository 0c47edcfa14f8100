package com.virtuoso.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.error.MarkedYAMLException;

import org.springframework.boot.context.config.ConfigDataException;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

import com.virtuoso.config.ConfigFormat;
import com.virtuoso.config.ConfigText;
import com.virtuoso.config.InvalidConfigurationException;
import com.virtuoso.config.MalformedYaml;
import com.virtuoso.config.MalformedYamlException;
import com.virtuoso.config.PortSource;
import com.virtuoso.config.PropertiesText;
import com.virtuoso.config.TradingConfigFile;
import com.virtuoso.config.UnusableConfigFileException;
import com.virtuoso.config.WebServerEnvironment;
import com.virtuoso.config.WebServerProperties;
import com.virtuoso.ports.PortCandidates;

/**
 * The configuration as the server would see it, read without starting the server: the config
 * file, the environment and the command-line overrides, validated by the same code.
 *
 * @param environment the prepared environment, with origins
 * @param properties the validated {@code web_server} block
 * @param file the config file read, or {@code null} when there was none
 * @param tradingConfig the trading system's config file whose web_server block was read too, or
 * {@code null} when none was
 * @param warnings what the server would warn about at start
 * @param port the primary port and where it comes from
 */
record LoadedConfig(ConfigurableEnvironment environment, WebServerProperties properties, Path file,
        Path tradingConfig, List<String> warnings, PortSource port) {

    /** Where an explicit {@code --config} is told to Spring's config data machinery. */
    private static final String CONFIG_OPTION_SOURCE = "virtuosoConfigOption";

    /**
     * Reads {@code file} (a missing file means the defaults unless {@code required}) under the
     * environment {@code variables} and {@code overrides} such as {@code --web_server.port=9000},
     * and the web_server block of {@code tradingConfig} below it, when it exists.
     * @throws InvalidConfigurationException for an invalid value
     * @throws MissingConfigFileException when {@code required} and the file does not exist
     * @throws MalformedYamlException when the file is not YAML
     */
    static LoadedConfig load(Path file, boolean required, List<String> overrides, Map<String, String> variables,
            Path tradingConfig) {
        List<String> warnings = new ArrayList<>();
        StandardEnvironment environment = read(file, required, required, overrides, variables);
        boolean tradingConfigRead = TradingConfigFile.addTo(environment, tradingConfig, warnings::add).isPresent();
        WebServerProperties properties = WebServerEnvironment.prepare(environment, warnings::add);
        PortSource port = WebServerEnvironment.portSource(environment);
        // the file a location setting named, when it sets the port and there is no config/application.yaml
        Path read = Files.isRegularFile(file) ? file
                : (port.file() != null && !port.file().equals(tradingConfig.toAbsolutePath().normalize()))
                        ? port.file() : null;
        if (read == null) {
            warnings.add(0, "No " + file + " here: showing the built-in defaults"
                    + (tradingConfigRead ? ", below the web_server block of " + tradingConfig : ""));
        }
        return new LoadedConfig(environment, properties, read, tradingConfigRead ? tradingConfig : null, warnings,
                port);
    }

    /** The environment variable {@code name} the command runs with, or {@code null}. */
    String variable(String name) {
        PropertySource<?> variables = environment.getPropertySources()
            .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        Object value = (variables != null) ? variables.getProperty(name) : null;
        return (value != null) ? value.toString() : null;
    }

    /**
     * Where the port comes from, read as {@link #load} reads it but not validated: a command that
     * sets the port must still work when the value it replaces is invalid, or the file is missing.
     * @param explicit whether {@code --config} named the file, which then replaces the locations
     */
    static PortSource portSource(Path file, boolean explicit, List<String> overrides, Map<String, String> variables,
            Path tradingConfig) {
        StandardEnvironment environment = read(file, explicit, false, overrides, variables);
        // its warnings are told by the commands that load the configuration whole
        TradingConfigFile.addTo(environment, tradingConfig, (warning) -> {
        });
        return WebServerEnvironment.portSource(environment);
    }

    /**
     * The environment the server would have, read by Spring Boot's own config data machinery:
     * {@code spring.config.location} and {@code spring.config.additional-location} (as arguments
     * or variables), profile files and documents, {@code spring.config.import}, and the built-in
     * {@code application.yaml}. An explicit {@code --config} replaces the file locations.
     */
    private static StandardEnvironment read(Path file, boolean explicit, boolean required, List<String> overrides,
            Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    Map.<String, Object>copyOf(variables)));
        if (!overrides.isEmpty()) {
            environment.getPropertySources()
                .addFirst(new SimpleCommandLinePropertySource(overrides.toArray(String[]::new)));
        }
        if (Files.isRegularFile(file)) {
            if (ConfigFormat.of(file) == ConfigFormat.YAML) {
                // its own errors name the file, line and column; Spring's do not name the file
                parse(file);
            }
        }
        else if (required) {
            throw new MissingConfigFileException(file);
        }
        if (explicit) {
            environment.getPropertySources()
                .addFirst(new MapPropertySource(CONFIG_OPTION_SOURCE, Map.of("spring.config.location",
                        "optional:classpath:/application.yaml,optional:file:" + file.toAbsolutePath() + yamlHint(file),
                        "spring.config.additional-location", "")));
        }
        try {
            ConfigDataEnvironmentPostProcessor.applyTo(environment);
        }
        catch (RuntimeException ex) {
            throw unreadable(environment, ex);
        }
        environment.getPropertySources().remove(CONFIG_OPTION_SOURCE);
        return environment;
    }

    /**
     * {@code [.yaml]}, Spring Boot's extension hint, for a file whose name does not say how to read
     * it ({@code --config /etc/virtuoso.conf}): {@code --config} names a YAML file, whatever its name.
     */
    private static String yamlHint(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return (name.endsWith(".yaml") || name.endsWith(".yml") || ConfigFormat.of(file) == ConfigFormat.PROPERTIES)
                ? "" : "[.yaml]";
    }

    /** A config file that Spring could not read, as one line naming it, when the reason is known. */
    private static RuntimeException unreadable(StandardEnvironment environment, RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigDataException missingOrUnknown) {
                // a location that names no file, or one Spring cannot read: the server stops on it too
                return new UnusableConfigFileException(missingOrUnknown.getMessage() + ". Fix: point "
                        + "spring.config.location (or --config) at an existing .yaml or .properties file, or "
                        + "prefix it with optional:");
            }
            if (cause instanceof MarkedYAMLException marked) {
                return new MalformedYamlException(new MalformedYaml("A config file", marked));
            }
            if (PropertiesText.isLoaderFailure(cause)) {
                // a malformed \\uXXXX escape: Spring's error names no file, the location settings do
                for (Path named : namedFiles(environment, ConfigFormat.PROPERTIES)) {
                    try {
                        PropertiesText.check(named);
                    }
                    catch (UnusableConfigFileException malformed) {
                        return malformed;
                    }
                    catch (IOException ex) {
                        failure.addSuppressed(ex);
                    }
                }
                return new UnusableConfigFileException("A .properties config file holds a malformed \\uXXXX escape ("
                        + cause.getMessage() + "). Fix: write a character as \\u and four hex digits (\\u00e9, say), "
                        + "a backslash as \\\\.");
            }
            if (cause instanceof CharacterCodingException) {
                // the decoder's error does not name the file: the location settings do
                for (Path named : namedFiles(environment, ConfigFormat.YAML)) {
                    try {
                        ConfigText.read(named);
                    }
                    catch (UnusableConfigFileException notUtf8) {
                        return notUtf8;
                    }
                    catch (IOException ex) {
                        failure.addSuppressed(ex);
                    }
                }
                return new UnusableConfigFileException("A config file is not UTF-8 text (" + cause + "), and "
                        + "Spring reads config files as UTF-8. Fix: save it as UTF-8.");
            }
        }
        return failure;
    }

    /**
     * The files of {@code format}, and those of the directories, that the location settings name,
     * or Spring's default locations ({@code ./} and {@code ./config/}) when none is set.
     */
    private static List<Path> namedFiles(StandardEnvironment environment, ConfigFormat format) {
        return Stream.of("spring.config.location", "spring.config.additional-location")
            .map((key) -> environment.getProperty(key, key.equals("spring.config.location") ? "file:./,file:./config/"
                    : ""))
            .flatMap((locations) -> Arrays.stream(locations.split("[,;]")))
            .map((location) -> location.strip().replaceFirst("^optional:", ""))
            .filter((location) -> !location.isEmpty() && !location.startsWith("classpath"))
            .map((location) -> Path.of(location.replaceFirst("^file:", "")))
            .flatMap((path) -> Files.isDirectory(path) ? Stream.of(path.resolve("application.yaml"),
                    path.resolve("application.yml"), path.resolve("application.properties")) : Stream.of(path))
            .filter(Files::isRegularFile)
            .filter((path) -> ConfigFormat.of(path) == format)
            .toList();
    }

    int primaryPort() {
        return environment.getRequiredProperty("server.port", Integer.class);
    }

    InetAddress host() {
        try {
            return InetAddress.getByName(environment.getRequiredProperty("server.address"));
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException("the host was resolved when the configuration was validated", ex);
        }
    }

    PortCandidates candidates() {
        return new PortCandidates(primaryPort(), properties.getFallbackPorts(), properties.isAutoFallback());
    }

    private static void parse(Path file) {
        try {
            ConfigText.read(file);
            new YamlPropertySourceLoader().load("Config resource 'file [" + file + "]'",
                    new FileSystemResource(file));
        }
        catch (MarkedYAMLException ex) {
            throw new MalformedYamlException(new MalformedYaml(file.toString(), ex));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + file, ex);
        }
    }

    /** {@code --config} names a file that does not exist. */
    static final class MissingConfigFileException extends RuntimeException {

        MissingConfigFileException(Path file) {
            super("Config file " + file + " does not exist. Fix: pass --config with the path of an existing "
                    + "application.yaml, or leave --config out to use config/application.yaml.");
        }

    }

}
