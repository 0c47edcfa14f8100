package com.virtuoso.config;

import java.nio.file.Path;
import java.util.Optional;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.Environment;

/**
 * The config file the {@code web_server} block was read from, such as
 * {@code /srv/virtuoso/config/application.yaml}.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** The file that sets {@code web_server.port}, or empty when no file sets it. */
    public static Optional<Path> of(Environment environment) {
        return ConfigOrigins.properties(environment, ConfigKeys.PREFIX + ".port")
            .map(ConfigurationProperty::getOrigin)
            .map((origin) -> (origin instanceof PropertySourceOrigin wrapper) ? wrapper.getOrigin() : origin)
            .filter(TextResourceOrigin.class::isInstance)
            .map((origin) -> ConfigOrigins.file((TextResourceOrigin) origin))
            .flatMap(Optional::stream)
            .findFirst();
    }

}
