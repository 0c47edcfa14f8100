package com.virtuoso.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.util.ResourceUtils;

/**
 * Says where a configuration value came from in the words an operator uses:
 * {@code config/application.yaml, line 3, column 9}, {@code environment variable WEB_SERVER_PORT},
 * {@code the command line}.
 */
public final class ConfigOrigins {

    private ConfigOrigins() {
    }

    /**
     * Where {@code key} (canonical form, such as {@code web-server.port}) gets its value in
     * {@code environment}, or empty when no property source sets it.
     */
    public static Optional<String> of(Environment environment, String key) {
        return properties(environment, key).findFirst().map(ConfigOrigins::describe);
    }

    /** Every property source's value of {@code key}, highest precedence first. */
    static Stream<ConfigurationProperty> properties(Environment environment, String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        return StreamSupport.stream(ConfigurationPropertySources.get(environment).spliterator(), false)
            .map((source) -> source.getConfigurationProperty(name))
            .filter(Objects::nonNull);
    }

    static String describe(ConfigurationProperty property) {
        if (property.getOrigin() != null) {
            return describe(property.getOrigin());
        }
        ConfigurationPropertySource source = property.getSource();
        Object underlying = (source != null) ? source.getUnderlyingSource() : null;
        return (underlying instanceof PropertySource<?> named) ? describe(named) : "the defaults";
    }

    private static String describe(PropertySource<?> source) {
        if (source instanceof CommandLinePropertySource<?>) {
            return "the command line";
        }
        if (source instanceof SystemEnvironmentPropertySource) {
            return "the environment";
        }
        return source.getName();
    }

    static String describe(Origin origin) {
        if (origin instanceof PropertySourceOrigin wrapper) {
            if (wrapper.getOrigin() != null) {
                return describe(wrapper.getOrigin());
            }
            // a plain environment (the CLI's) has no origins: the variable's name is the origin
            return (wrapper.getPropertySource() instanceof SystemEnvironmentPropertySource)
                    ? "environment variable " + wrapper.getPropertyName() : describe(wrapper.getPropertySource());
        }
        if (origin instanceof TextResourceOrigin text) {
            String file = file(text).map(ConfigOrigins::relativeToWorkingDirectory)
                .orElse(String.valueOf(text.getResource()));
            TextResourceOrigin.Location location = text.getLocation();
            return (location != null)
                    ? file + ", line " + (location.getLine() + 1) + ", column " + (location.getColumn() + 1) : file;
        }
        if (origin instanceof SystemEnvironmentOrigin environment) {
            return "environment variable " + environment.getProperty();
        }
        if (origin.getParent() != null) {
            return describe(origin.getParent());
        }
        return origin.toString();
    }

    /** The file a value was read from, when it was read from a file. */
    static Optional<Path> file(TextResourceOrigin origin) {
        Resource resource = origin.getResource();
        if (resource == null || !resource.isFile()) {
            return Optional.empty();
        }
        try {
            // getFile() refuses a relative URL such as file:config/application.yaml
            return Optional.of(ResourceUtils.getFile(resource.getURL()).toPath().toAbsolutePath().normalize());
        }
        catch (IOException ex) {
            return Optional.empty();
        }
    }

    private static String relativeToWorkingDirectory(Path file) {
        Path workingDirectory = Path.of("").toAbsolutePath();
        return file.startsWith(workingDirectory) ? workingDirectory.relativize(file).toString() : file.toString();
    }

}
