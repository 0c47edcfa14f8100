package com.virtuoso.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.ClassUtils;

import com.virtuoso.container.Container;
import com.virtuoso.container.InContainer;

/**
 * Turns the {@code web_server} block of an environment into the Spring settings that do what
 * each key says; shared by the server (through {@link WebServerEnvironmentPostProcessor}) and
 * the {@code ports} command line, so both judge a configuration alike:
 * <ul>
 * <li>validates the block: a bad value is an {@link InvalidConfigurationException};</li>
 * <li>maps {@code port}, {@code host}, {@code log_level}, {@code access_log},
 * {@code timeout_keep_alive} and {@code reload} to their Spring Boot properties, as defaults that
 * Spring's own keys override;</li>
 * <li>honours the old {@code WEB_SERVER_PORT} and {@code WEB_SERVER_HOST} variables, with a warning;</li>
 * <li>honours {@code PORT} in a container or on a cloud platform, and ignores it elsewhere with a
 * warning;</li>
 * <li>settles the primary port by one order of precedence (see {@link #portSource(Environment)}).</li>
 * </ul>
 */
public final class WebServerEnvironment {

    /** The property source that carries the web_server block as Spring settings. */
    public static final String MAPPED_SOURCE = "virtuosoWebServer";

    static final String LEGACY_SOURCE = "virtuosoLegacyVariables";

    static final String PLATFORM_PORT_SOURCE = "virtuosoPlatformPort";

    /** The variable Cloud Run, Heroku and Cloud Foundry set to the port to listen on. */
    private static final String PLATFORM_PORT = "PORT";

    /** The property source, first of all, that carries the primary port {@link #portSource} settled. */
    static final String PORT_SOURCE = "virtuosoPort";

    /** Within one property source, Spring's key over ours. */
    private static final List<ConfigurationPropertyName> PORT_KEYS = List.of(
            ConfigurationPropertyName.of("server.port"), ConfigurationPropertyName.of(ConfigKeys.PREFIX + ".port"));

    private static final Map<String, String> LEGACY_VARIABLES = Map.of("WEB_SERVER_PORT", "web-server.port",
            "WEB_SERVER_HOST", "web-server.host");

    private static final String DEVTOOLS_RESTARTER = "org.springframework.boot.devtools.restart.Restarter";

    private WebServerEnvironment() {
    }

    /**
     * Validates and maps the {@code web_server} block of {@code environment}.
     * @param warnings told each warning, such as a deprecated variable
     * @return the validated settings
     * @throws InvalidConfigurationException when a value is invalid
     */
    public static WebServerProperties prepare(ConfigurableEnvironment environment, Consumer<String> warnings) {
        addLegacyVariables(environment, warnings);
        addPlatformPort(environment, warnings);
        Binder binder = Binder.get(environment);
        WebServerProperties properties = bindValidated(binder);
        checkServerPort(environment, binder);
        checkHostResolves(environment, properties.getHost());
        environment.getPropertySources().addLast(new MapPropertySource(MAPPED_SOURCE, springProperties(properties)));
        settlePort(environment);
        if (properties.isReload() && !ClassUtils.isPresent(DEVTOOLS_RESTARTER, WebServerEnvironment.class.getClassLoader())) {
            warnings.accept("web_server.reload is true, but a packaged jar cannot reload itself: restart it to pick up "
                    + "changes, or run ./mvnw spring-boot:run, where DevTools restarts on each build");
        }
        return properties;
    }

    private static void addLegacyVariables(ConfigurableEnvironment environment, Consumer<String> warnings) {
        PropertySource<?> variables = environment.getPropertySources()
            .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (variables == null) {
            return;
        }
        Map<String, Object> legacy = new LinkedHashMap<>();
        LEGACY_VARIABLES.forEach((variable, key) -> {
            Object value = variables.getProperty(variable);
            if (value != null) {
                legacy.put(key, OriginTrackedValue.of(value, new SystemEnvironmentOrigin(variable)));
                warnings.accept("Environment variable " + variable + " is deprecated: set "
                        + ConfigKeys.display(key) + " in config/application.yaml, or "
                        + key.replace("-", "").replace('.', '_').toUpperCase() + " in the environment");
            }
        });
        if (!legacy.isEmpty()) {
            // environment over file, as for every other variable
            environment.getPropertySources()
                .addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new OriginTrackedMapPropertySource(LEGACY_SOURCE, legacy));
        }
    }

    /**
     * {@code PORT} is the primary port where a platform that sets it runs the server: in a
     * container, or on a cloud platform Spring Boot detects. Elsewhere it is ignored, with a
     * warning: a {@code PORT} left in a developer's shell must not move a trading server. It ranks
     * below {@code WEBSERVER_PORT} and above the deprecated {@code WEB_SERVER_PORT}.
     */
    private static void addPlatformPort(ConfigurableEnvironment environment, Consumer<String> warnings) {
        PropertySource<?> variables = environment.getPropertySources()
            .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        Object value = (variables != null) ? variables.getProperty(PLATFORM_PORT) : null;
        if (value == null) {
            return;
        }
        if (!onPlatform(environment, variables)) {
            String shown = value.toString();
            warnings.accept("Environment variable PORT=" + ((shown.length() > 20) ? shown.substring(0, 20) + "..." : shown)
                    + " is ignored: Virtuoso reads PORT only in a container or on a cloud platform, and this is "
                    + "neither (a PORT left in a shell must not move a trading server). Set web_server.port or "
                    + "WEBSERVER_PORT instead, or web_server.in_container: true if this is a container");
            return;
        }
        if (variables.containsProperty("SERVER_PORT") || variables.containsProperty("WEBSERVER_PORT")) {
            return; // they rank above PORT
        }
        Map<String, Object> port = Map.of("web-server.port",
                OriginTrackedValue.of(value, new SystemEnvironmentOrigin(PLATFORM_PORT)));
        // above the variables, as Spring reads WEB_SERVER_PORT among them as web_server.port too
        environment.getPropertySources()
            .addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new OriginTrackedMapPropertySource(PLATFORM_PORT_SOURCE, port));
    }

    /** Whether the environment says it runs in a container or on a cloud platform. */
    private static boolean onPlatform(ConfigurableEnvironment environment, PropertySource<?> variables) {
        InContainer setting;
        try {
            setting = Binder.get(environment).bind(ConfigKeys.PREFIX + ".in-container", InContainer.class)
                .orElse(InContainer.AUTO);
        }
        catch (BindException ex) {
            setting = InContainer.AUTO; // reported once the whole block is validated
        }
        Map<String, String> values = new HashMap<>();
        if (variables.getSource() instanceof Map<?, ?> map) {
            map.forEach((name, value) -> values.put(String.valueOf(name), String.valueOf(value)));
        }
        return Container.detect(setting, values, Path.of("/")).isPresent() || CloudPlatform.getActive(environment) != null;
    }

    private static WebServerProperties bindValidated(Binder binder) {
        // the properties carry their own rules: any instance validates the bound one
        ValidationBindHandler handler = new ValidationBindHandler(new NoUnboundElementsBindHandler(BindHandler.DEFAULT),
                new WebServerProperties());
        try {
            return binder.bindOrCreate(ConfigKeys.PREFIX, Bindable.of(WebServerProperties.class), handler);
        }
        catch (BindException ex) {
            throw new InvalidConfigurationException(ConfigProblems.of(ex), ex);
        }
    }

    /** Spring's own server.port overrides web_server.port, so it gets the same rules. */
    private static void checkServerPort(ConfigurableEnvironment environment, Binder binder) {
        Integer port;
        try {
            port = binder.bind("server.port", Integer.class).orElse(null);
        }
        catch (BindException ex) {
            throw new InvalidConfigurationException(ConfigProblems.of(ex), ex);
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new InvalidConfigurationException(List.of(ConfigProblems.of(environment, "server.port", port,
                    "must be between 0 and 65535")), null);
        }
    }

    /**
     * Where the primary port comes from. Property sources are asked in their order (command line,
     * environment variables, the deprecated ones, config files), and within one source
     * {@code server.port} before {@code web_server.port}: the first answer wins. Left to itself,
     * Spring would let any {@code server.port} beat any {@code web_server.port}, so that a
     * {@code server.port} in the file would beat {@code WEBSERVER_PORT} and {@code SERVER_PORT}
     * would beat {@code --web_server.port}; the server, {@code show-config}, {@code update-config}
     * and {@code auto-fix} all use this one order instead.
     * @param environment an environment, prepared or not
     * @return where the port comes from; the default when nothing sets it
     */
    public static PortSource portSource(Environment environment) {
        return portProperty(environment).map(WebServerEnvironment::portSource)
            .orElseGet(() -> new PortSource(null, "default", null, null));
    }

    private static PortSource portSource(ConfigurationProperty property) {
        Origin origin = property.getOrigin();
        TextResourceOrigin text = (unwrap(origin) instanceof TextResourceOrigin found) ? found : null;
        Path file = (text != null) ? ConfigOrigins.file(text).orElse(null) : null;
        Integer line = (file != null && text.getLocation() != null) ? text.getLocation().getLine() : null;
        String describe = (origin != null) ? ConfigOrigins.describe(origin) : ConfigOrigins.describe(property);
        return new PortSource(property.getName().toString(), describe, file, line);
    }

    private static Origin unwrap(Origin origin) {
        return (origin instanceof PropertySourceOrigin wrapper && wrapper.getOrigin() != null) ? wrapper.getOrigin()
                : origin;
    }

    private static Optional<ConfigurationProperty> portProperty(Environment environment) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source.getUnderlyingSource() instanceof PropertySource<?> named
                    && (named.getName().equals(MAPPED_SOURCE) || named.getName().equals(PORT_SOURCE))) {
                continue;
            }
            for (ConfigurationPropertyName key : PORT_KEYS) {
                ConfigurationProperty property = source.getConfigurationProperty(key);
                if (property != null) {
                    return Optional.of(property);
                }
            }
        }
        return Optional.empty();
    }

    /** Puts the settled port above every source, with the origin of the value that won. */
    private static void settlePort(ConfigurableEnvironment environment) {
        portProperty(environment).ifPresent((property) -> {
            Integer port;
            try {
                // validated by the caller: the highest server.port and the highest web_server.port
                port = new Binder(List.of(property.getSource()), new PropertySourcesPlaceholdersResolver(environment))
                    .bind(property.getName(), Bindable.of(Integer.class))
                    .get();
            }
            catch (BindException ex) {
                throw new InvalidConfigurationException(ConfigProblems.of(ex), ex);
            }
            Origin origin = (property.getOrigin() != null) ? property.getOrigin()
                    : new PropertySourceOrigin((PropertySource<?>) property.getSource().getUnderlyingSource(),
                            property.getName().toString());
            PropertySource<?> settled = new OriginTrackedMapPropertySource(PORT_SOURCE,
                    Map.of("server.port", OriginTrackedValue.of(port, origin)));
            if (environment.getPropertySources().contains(PORT_SOURCE)) {
                environment.getPropertySources().replace(PORT_SOURCE, settled);
            }
            else {
                environment.getPropertySources().addFirst(settled);
            }
        });
    }

    private static void checkHostResolves(ConfigurableEnvironment environment, String host) {
        try {
            InetAddress.getByName(host);
        }
        catch (UnknownHostException ex) {
            String key = ConfigKeys.PREFIX + ".host";
            throw new InvalidConfigurationException(List.of(ConfigProblems.of(environment, key, host,
                    "is not an IP address or a host name this machine can resolve")), ex);
        }
    }

    private static Map<String, Object> springProperties(WebServerProperties properties) {
        Map<String, Object> spring = new LinkedHashMap<>();
        spring.put("server.port", properties.getPort());
        spring.put("server.address", properties.getHost());
        spring.put("logging.level.root", properties.getLogLevel().name());
        spring.put("server.tomcat.keep-alive-timeout", properties.getTimeoutKeepAlive() + "s");
        spring.put("spring.devtools.restart.enabled", properties.isReload());
        if (properties.isAccessLog()) {
            // the server's valve logs each request here, at INFO, whatever log_level says of the rest
            spring.put("logging.level.virtuoso.access", "INFO");
        }
        return spring;
    }

}
