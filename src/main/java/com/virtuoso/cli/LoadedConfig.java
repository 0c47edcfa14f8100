package com.virtuoso.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.error.MarkedYAMLException;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

import com.virtuoso.config.ConfigText;
import com.virtuoso.config.InvalidConfigurationException;
import com.virtuoso.config.MalformedYaml;
import com.virtuoso.config.MalformedYamlException;
import com.virtuoso.config.PortSource;
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
 * @param warnings what the server would warn about at start
 * @param port the primary port and where it comes from
 */
record LoadedConfig(ConfigurableEnvironment environment, WebServerProperties properties, Path file,
        List<String> warnings, PortSource port) {

    /**
     * Reads {@code file} (a missing file means the defaults unless {@code required}) under the
     * environment {@code variables} and {@code overrides} such as {@code --web_server.port=9000}.
     * @throws InvalidConfigurationException for an invalid value
     * @throws MissingConfigFileException when {@code required} and the file does not exist
     * @throws MalformedYamlException when the file is not YAML
     */
    static LoadedConfig load(Path file, boolean required, List<String> overrides, Map<String, String> variables) {
        List<String> warnings = new ArrayList<>();
        StandardEnvironment environment = read(file, required, overrides, variables, warnings);
        Path read = Files.isRegularFile(file) ? file : null;
        WebServerProperties properties = WebServerEnvironment.prepare(environment, warnings::add);
        return new LoadedConfig(environment, properties, read, warnings, WebServerEnvironment.portSource(environment));
    }

    /**
     * Where the port comes from, read as {@link #load} reads it but not validated: a command that
     * sets the port must still work when the value it replaces is invalid.
     */
    static PortSource portSource(Path file, List<String> overrides, Map<String, String> variables) {
        return WebServerEnvironment.portSource(read(file, false, overrides, variables, new ArrayList<>()));
    }

    private static StandardEnvironment read(Path file, boolean required, List<String> overrides,
            Map<String, String> variables, List<String> warnings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.<String, Object>copyOf(variables)));
        if (!overrides.isEmpty()) {
            environment.getPropertySources()
                .addFirst(new SimpleCommandLinePropertySource(overrides.toArray(String[]::new)));
        }
        if (Files.isRegularFile(file)) {
            for (PropertySource<?> source : parse(file)) {
                environment.getPropertySources().addLast(source);
            }
        }
        else if (required) {
            throw new MissingConfigFileException(file);
        }
        else {
            warnings.add("No " + file + " here: showing the built-in defaults");
        }
        return environment;
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

    private static List<PropertySource<?>> parse(Path file) {
        try {
            ConfigText.read(file);
            return new YamlPropertySourceLoader().load("Config resource 'file [" + file + "]'",
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
