package com.virtuoso.server;

/**
 * How the operator started this jar, for commands we print for them to copy.
 */
public final class RunningJar {

    private static final String DEFAULT = "target/virtuoso.jar";

    private RunningJar() {
    }

    /** The jar path as given to {@code java -jar}, or {@value #DEFAULT} when not run from a jar. */
    public static String path() {
        String classPath = System.getProperty("java.class.path", "");
        return (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) ? classPath : DEFAULT;
    }

}
