package com.virtuoso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * where, and what to write instead. The value of a {@link ConfigKeys#secret secret} key, a
 * webhook URL, and any value that reads as a URL whatever its key (a webhook under a mistyped or
 * unknown key holds its token too), is shown as its scheme and host only; a failure's own
 * message, which may quote the value, is left out for it, and any URL in other messages is cut
 * short the same way.
 */
final class ConfigProblems {

    /** A scheme, then the authority up to the path, query or fragment, without any user-info. */
    private static final Pattern SCHEME_AND_HOST = Pattern
        .compile("([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#]*@)?([^/?#]*)");

    /** A URL within a text: a scheme and {@code ://}, up to the next blank, quote or bracket. */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>\\[\\]{}]*");

    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+])(:\\d+)?");

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
            String reason = ConfigKeys.secret(key) ? "cannot be read" : withoutUrls(String.valueOf(cause));
            return List.of(problem(key, "?", "unknown", reason, fix(key)));
        }
        String key = property.getName().toString();
        String accepted = ConfigKeys.accepted(key);
        String reason = (accepted != null) ? "is not " + accepted
                : (ConfigKeys.secret(key) || isUrl(property.getValue())) ? "cannot be read"
                        : "cannot be read: " + withoutUrls(String.valueOf(cause));
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

    /** {@code webserver.prot}, as Spring reads {@code web_server.prot}, back under our prefix; indices as {@code [0]}. */
    private static String underPrefix(ConfigurationPropertyName name) {
        StringBuilder key = new StringBuilder(ConfigKeys.PREFIX);
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            String element = name.getElement(i, ConfigurationPropertyName.Form.DASHED);
            key.append(name.isNumericIndex(i) ? "[" + element + "]" : "." + element);
        }
        return key.toString();
    }

    private static String fix(String key) {
        String accepted = ConfigKeys.accepted(key);
        return "set " + ConfigKeys.display(key) + " to " + ((accepted != null) ? accepted : "a valid value");
    }

    private static ConfigProblem problem(String key, Object value, String origin, String reason, String fix) {
        String shown = (ConfigKeys.secret(key) || isUrl(value)) ? withoutSecret(String.valueOf(value))
                : String.valueOf(value);
        return new ConfigProblem(ConfigKeys.display(key), shown, origin, reason, fix);
    }

    /**
     * Whether {@code value} reads as a URL ({@code scheme://...}), whatever its key: a webhook URL
     * under a mistyped key ({@code web_server.alert.webhooks[0].url}) or given as a scalar
     * ({@code web_server.alerts.webhooks: https://...}) holds its token all the same.
     */
    private static boolean isUrl(Object value) {
        return value != null && URL.matcher(String.valueOf(value)).find();
    }

    /** {@code text}, a failure's own message that may quote a rejected value, with any URL in it cut short. */
    private static String withoutUrls(String text) {
        Matcher url = URL.matcher(text);
        StringBuilder scrubbed = new StringBuilder();
        while (url.find()) {
            url.appendReplacement(scrubbed, Matcher.quoteReplacement(withoutSecret(url.group())));
        }
        return url.appendTail(scrubbed).toString();
    }

    /**
     * {@code ftp://discord.com/…} for {@code ftp://discord.com/api/webhooks/1/token}: the scheme and
     * host, which tell a wrong scheme or a wrong receiver apart, without user-info, path or query.
     * Read as text, since an invalid value may not parse as a URI; whatever does not read as a
     * scheme or a host is hidden too. Unlike the alerts' redacted form it has no fingerprint: the
     * key's index already tells which webhook is meant.
     */
    private static String withoutSecret(String value) {
        Matcher url = SCHEME_AND_HOST.matcher(value);
        if (!url.lookingAt()) {
            return "…";
        }
        String host = url.group(2);
        return url.group(1) + "://" + (HOST.matcher(host).matches() ? host : "…") + "/…";
    }

}
