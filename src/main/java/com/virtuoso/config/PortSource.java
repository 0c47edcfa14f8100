package com.virtuoso.config;

import java.nio.file.Path;

/**
 * Where the primary port the server will use comes from: the one place an operator must change
 * to change it, and so the one place {@code update-config} and {@code auto-fix} may edit.
 *
 * @param key {@code server.port} or {@code web-server.port}, or {@code null} for the default
 * @param origin where it was set, in the operator's words ({@code environment variable SERVER_PORT})
 * @param file the file that sets it, or {@code null} when it is not set in a file
 * @param line the line (from 0) of the value in {@code file}, or {@code null} when not known: in a
 * file of several YAML documents, it tells which one supplies the port
 */
public record PortSource(String key, String origin, Path file, Integer line) {

    /** Whether the port is not set anywhere: the default applies. */
    public boolean isDefault() {
        return key == null;
    }

    /** Whether a file sets the port, so that editing that file changes it. */
    public boolean inFile() {
        return file != null;
    }

    /** The key as the YAML writes it: {@code server.port} or {@code web_server.port}. */
    public String displayKey() {
        return (key != null) ? ConfigKeys.display(key) : ConfigKeys.display(ConfigKeys.PREFIX + ".port");
    }

}
