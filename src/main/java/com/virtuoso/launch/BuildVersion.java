package com.virtuoso.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, from {@code META-INF/build-info.properties} (written by the
 * spring-boot-maven-plugin's {@code build-info} goal), read without Spring: {@code --version} of
 * the server and of {@code ports} answer with it before anything starts.
 *
 * @param version the project version, or {@code null} when the build wrote no build info (a
 * class path an IDE assembled, say)
 * @param time when it was built, or {@code null} when not known
 */
public record BuildVersion(String version, String time) {

    static final String RESOURCE = "META-INF/build-info.properties";

    /** The version of the classes running now. */
    public static BuildVersion current() {
        try (InputStream in = BuildVersion.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return read(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + RESOURCE + " from the jar", ex);
        }
    }

    /** The version that {@code buildInfo} (the properties file, or {@code null} when missing) holds. */
    static BuildVersion read(InputStream buildInfo) throws IOException {
        if (buildInfo == null) {
            return new BuildVersion(null, null);
        }
        Properties properties = new Properties();
        properties.load(buildInfo);
        return new BuildVersion(properties.getProperty("build.version"), properties.getProperty("build.time"));
    }

    /** {@code Virtuoso 0.1.0 (built 2026-11-27T19:27:01.614Z)}: one line, the version second word. */
    public String describe() {
        if (version == null) {
            return "Virtuoso (version unknown: these classes come without " + RESOURCE + ")";
        }
        return "Virtuoso " + version + ((time != null) ? " (built " + time + ")" : "");
    }

}
