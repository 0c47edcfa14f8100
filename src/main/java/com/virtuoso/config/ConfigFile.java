package com.virtuoso.config;

import java.nio.file.Path;
import java.util.Optional;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
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
        ConfigurationPropertyName port = ConfigurationPropertyName.of(ConfigKeys.PREFIX + ".port");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(port);
            Origin origin = (property != null) ? property.getOrigin() : null;
            if (origin instanceof PropertySourceOrigin wrapper) {
                origin = wrapper.getOrigin();
            }
            if (origin instanceof TextResourceOrigin text) {
                Optional<Path> file = ConfigOrigins.file(text);
                if (file.isPresent()) {
                    return file;
                }
            }
        }
        return Optional.empty();
    }

}
