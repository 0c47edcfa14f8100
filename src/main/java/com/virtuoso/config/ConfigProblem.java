package com.virtuoso.config;

/**
 * One invalid configuration value, told so that a person can fix it.
 *
 * @param key the key as written in the YAML, such as {@code web_server.port}
 * @param value the value found
 * @param origin where the value came from: a file with line and column, an environment
 * variable, the command line
 * @param reason what is wrong with it
 * @param fix what to write instead
 */
public record ConfigProblem(String key, String value, String origin, String reason, String fix) {

    /** {@code web_server.port = "70000" (config/application.yaml, line 3, column 9): must be ... Fix: ...} */
    public String describe() {
        return key + " = \"" + value + "\" (" + origin + "): " + reason + ". Fix: " + fix + ".";
    }

}
