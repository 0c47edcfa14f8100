package com.virtuoso.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How Spring reads a config file, told by its name as Spring tells it: {@code .properties} (any
 * case) as {@code key=value} lines, anything else that {@code ports} reads as YAML.
 */
public enum ConfigFormat {

    YAML, PROPERTIES;

    /** The format of {@code file}, by the name Spring was given (a link's, not its target's). */
    public static ConfigFormat of(Path file) {
        Path name = file.getFileName();
        return (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".properties")) ? PROPERTIES : YAML;
    }

}
