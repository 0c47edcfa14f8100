package com.virtuoso.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Reads Spring Boot's binding failures as {@link ConfigProblem}s: which key, which value, from
 * where, and what to write instead.
 */
final class ConfigProblems {

    private ConfigProblems() {
    }

    static List<ConfigProblem> of(BindException failure) {
        Throwable cause = failure.getCause();
        if (cause instanceof BindValidationException validation) {
            List<ConfigProblem> problems = new ArrayList<>();
            for (ObjectError error : validation.getValidationErrors()) {
                problems.add(of(error, validation));
            }
            return problems;
        }
        if (cause instanceof UnboundConfigurationPropertiesException unbound) {
            return unbound.getUnboundProperties()
                .stream()
                .map(property -> problem(underPrefix(property.getName()), property.getValue(),
                        ConfigOrigins.describe(property), "is not a web_server setting",
                        "remove it, or use one of: " + ConfigKeys.known()))
                .toList();
        }
        ConfigurationProperty property = failure.getProperty();
        if (property == null) {
            String key = failure.getName().toString();
            return List.of(problem(key, "?", "unknown", String.valueOf(cause), fix(key)));
        }
        String key = property.getName().toString();
        String accepted = ConfigKeys.accepted(key);
        String reason = (accepted != null) ? "is not " + accepted : "cannot be read: " + cause;
        return List.of(problem(key, property.getValue(), ConfigOrigins.describe(property), reason, fix(key)));
    }

    /** A problem with the value of {@code key} as {@code environment} has it. */
    static ConfigProblem of(Environment environment, String key, Object value, String reason) {
        String origin = ConfigOrigins.of(environment, key).orElse("the defaults");
        return problem(key, value, origin, reason, fix(key));
    }

    private static ConfigProblem of(ObjectError error, BindValidationException validation) {
        if (!(error instanceof FieldError field)) {
            return problem(ConfigKeys.PREFIX, "?", "the configuration", error.getDefaultMessage(), fix(ConfigKeys.PREFIX));
        }
        String key = ConfigKeys.PREFIX + "." + DataObjectPropertyName.toDashedForm(field.getField());
        Origin origin = Origin.from(field);
        String where = (origin != null) ? ConfigOrigins.describe(origin) : boundOrigin(validation, key);
        return problem(key, field.getRejectedValue(), where, field.getDefaultMessage(), fix(key));
    }

    private static String boundOrigin(BindValidationException validation, String key) {
        return validation.getValidationErrors()
            .getBoundProperties()
            .stream()
            .filter(property -> property.getName().toString().equals(key))
            .findFirst()
            .map(ConfigOrigins::describe)
            .orElse("the defaults");
    }

    /** {@code webserver.prot}, as Spring reads {@code web_server.prot}, back under our prefix. */
    private static String underPrefix(ConfigurationPropertyName name) {
        StringBuilder key = new StringBuilder(ConfigKeys.PREFIX);
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            key.append('.').append(name.getElement(i, ConfigurationPropertyName.Form.DASHED));
        }
        return key.toString();
    }

    private static String fix(String key) {
        String accepted = ConfigKeys.accepted(key);
        return "set " + ConfigKeys.display(key) + " to " + ((accepted != null) ? accepted : "a valid value");
    }

    private static ConfigProblem problem(String key, Object value, String origin, String reason, String fix) {
        return new ConfigProblem(ConfigKeys.display(key), String.valueOf(value), origin, reason, fix);
    }

}
