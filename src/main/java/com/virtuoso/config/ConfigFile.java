package com.virtuoso.config;

import java.nio.file.Path;
import java.util.Optional;

import org.springframework.core.env.Environment;

/**
 * The config file the {@code web_server} block was read from, such as
 * {@code /srv/virtuoso/config/application.yaml}.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * The file that supplies the port ({@code server.port} or {@code web_server.port}, by the one
     * order of precedence), or empty when the port comes from elsewhere: the same answer the
     * {@code ports} commands get for the same environment, so that a server's registry record and
     * {@code auto-fix} agree on which deployment it is.
     */
    public static Optional<Path> of(Environment environment) {
        return Optional.ofNullable(WebServerEnvironment.portSource(environment).file());
    }

}
