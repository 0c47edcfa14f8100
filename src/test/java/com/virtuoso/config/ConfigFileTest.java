package com.virtuoso.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config file a server registers is the one that supplies its port, whichever key sets it:
 * the file {@code auto-fix} finds for the same configuration.
 */
class ConfigFileTest {

    @TempDir
    Path directory;

    @Test
    void aFileThatSetsOnlyServerPortIsTheConfigFile() throws Exception {
        Path config = Files.writeString(directory.resolve("application.yaml"), "server:\n  port: 9301\n");
        assertThat(ConfigFile.of(environmentOf(config))).contains(config.toAbsolutePath());
    }

    @Test
    void aFileThatDoesNotSetThePortIsNot() throws Exception {
        Path config = Files.writeString(directory.resolve("application.yaml"), "web_server:\n  host: 127.0.0.1\n");
        assertThat(ConfigFile.of(environmentOf(config))).isEmpty();
    }

    private static StandardEnvironment environmentOf(Path config) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        for (PropertySource<?> source : new YamlPropertySourceLoader().load("Config resource 'file [" + config + "]'",
                new FileSystemResource(config))) {
            environment.getPropertySources().addLast(source);
        }
        return environment;
    }

}
