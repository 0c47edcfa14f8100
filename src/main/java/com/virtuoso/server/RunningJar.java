package com.virtuoso.server;

/**
 * How the operator started this jar, for commands we print for them to copy.
 */
public final class RunningJar {

    private static final String DEFAULT = "target/virtuoso.jar";

    /** Set by bin/virtuoso to how the operator ran it: the jar it runs is an extracted copy in a cache. */
    static final String LAUNCHER_PROPERTY = "virtuoso.launcher";

    private RunningJar() {
    }

    /**
     * The command that runs this jar again, as the operator started it: the launcher
     * ({@code bin/virtuoso}), or {@code java -jar} and {@link #path()}.
     */
    public static String command() {
        String launcher = System.getProperty(LAUNCHER_PROPERTY, "");
        return launcher.isBlank() ? "java -jar " + path() : launcher;
    }

    /** The jar path as given to {@code java -jar}, or {@value #DEFAULT} when not run from a jar. */
    private static String path() {
        String classPath = System.getProperty("java.class.path", "");
        return (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) ? classPath : DEFAULT;
    }

}
