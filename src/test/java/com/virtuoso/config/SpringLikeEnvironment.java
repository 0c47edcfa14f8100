package com.virtuoso.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * An environment laid out as Spring lays out the server's: command line, system properties,
 * variables, then {@code application.yaml}.
 */
final class SpringLikeEnvironment {

    private SpringLikeEnvironment() {
    }

    /** With these arguments and variables, and {@code yaml} written to {@code directory/application.yaml}. */
    static StandardEnvironment of(Path directory, List<String> arguments, Map<String, Object> variables, String yaml)
            throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        if (!arguments.isEmpty()) {
            environment.getPropertySources()
                .addFirst(new SimpleCommandLinePropertySource(arguments.toArray(String[]::new)));
        }
        Path file = Files.writeString(directory.resolve("application.yaml"), yaml);
        for (PropertySource<?> source : new YamlPropertySourceLoader().load("Config resource 'file [" + file + "]'",
                new FileSystemResource(file))) {
            environment.getPropertySources().addLast(source);
        }
        return environment;
    }

}
