package com.virtuoso.config;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class WebServerEnvironmentPostProcessorTest {

    private final WebServerEnvironmentPostProcessor postProcessor = new WebServerEnvironmentPostProcessor(
            (DeferredLogFactory) Supplier::get);

    @Test
    void legacyVariablesOverrideTheFileButNotTheCommandLine() {
        StandardEnvironment environment = environment(Map.of("WEB_SERVER_PORT", "9123", "WEB_SERVER_HOST", "127.0.0.1"));
        postProcessor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("server.port")).isEqualTo("9123");
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");

        StandardEnvironment withCommandLine = environment(Map.of("WEB_SERVER_PORT", "9123"));
        withCommandLine.getPropertySources().addFirst(new SimpleCommandLinePropertySource("--web_server.port=9555"));
        postProcessor.postProcessEnvironment(withCommandLine, new SpringApplication());
        assertThat(withCommandLine.getProperty("server.port")).isEqualTo("9555");
    }

    @Test
    void webServerKeysBecomeSpringDefaultsThatSpringKeysOverride() {
        StandardEnvironment environment = environment(Map.of());
        environment.getPropertySources().addFirst(new MapPropertySource("explicit", Map.of("server.port", "7777")));
        postProcessor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("server.port")).isEqualTo("7777");
        assertThat(environment.getProperty("server.address")).isEqualTo("0.0.0.0");
        assertThat(environment.getProperty("logging.level.root")).isEqualTo("DEBUG");
        assertThat(environment.getProperty("server.tomcat.keep-alive-timeout")).isEqualTo("7s");
        assertThat(environment.getProperty("logging.level.virtuoso.access")).isNull();
        assertThat(environment.getProperty("server.tomcat.accesslog.enabled")).isNull();
    }

    /** An environment with a config file that sets port 8000, and the given variables. */
    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        environment.getPropertySources()
            .addLast(new MapPropertySource("config/application.yaml", Map.of("web_server.port", "8000",
                    "web_server.log_level", "debug", "web_server.timeout_keep_alive", "7",
                    "web_server.access_log", "false")));
        return environment;
    }

}
