package com.virtuoso.cli;

import java.io.IOException;
import java.nio.file.Path;

import com.virtuoso.instances.InstanceRecord;

/**
 * This deployment, as {@code auto-fix} tells its own servers from other deployments' on the same
 * machine: a server is ours when it read the same config file (real paths: links and relative
 * paths resolved). A server that ran on defaults has no config file; it is ours only when this
 * command has none either and runs in the same working directory, the directory both read their
 * defaults relative to ({@code config/application.yaml}, a relative {@code state_dir}).
 *
 * @param configFile the config file this command read, or {@code null} when it runs on defaults
 * @param workingDirectory the directory this command runs in
 */
record Deployment(Path configFile, Path workingDirectory) {

    static Deployment of(LoadedConfig config) {
        // the file that supplies the port, found as the server finds the one it registers
        return new Deployment(config.port().file(), Path.of("").toAbsolutePath());
    }

    /** Whether {@code instance} is a server of this deployment. */
    boolean includes(InstanceRecord instance) {
        if (instance.workingDirectory() == null) {
            return false; // a record without it cannot be placed: not shown to be ours
        }
        Path serverDirectory = Path.of(instance.workingDirectory());
        if (instance.configFile() == null) {
            return configFile == null && sameFile(serverDirectory, workingDirectory);
        }
        return configFile != null && sameFile(serverDirectory.resolve(instance.configFile()), configFile);
    }

    private static boolean sameFile(Path first, Path second) {
        try {
            return first.toRealPath().equals(second.toRealPath());
        }
        catch (IOException ex) {
            // a path that no longer resolves cannot be shown to be the same file
            return false;
        }
    }

}
