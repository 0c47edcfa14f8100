package com.virtuoso.cli;

import java.nio.file.Path;

import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;

/**
 * The port core as the commands use it, built once per command from the configuration.
 *
 * @param privileges what this process may bind
 * @param holders the holder lookup
 * @param probe binds a port to see whether it is free
 * @param registry the instance registry of the configured state directory
 */
record PortTools(PortPrivileges privileges, PortHolderLookup holders, PortProbe probe, InstanceRegistry registry) {

    /** Stops listeners on behalf of the user running this command. */
    ListenerShutdown shutdown() {
        return new ListenerShutdown(holders, System.getProperty("user.name"));
    }

    static PortTools of(LoadedConfig config) {
        PortPrivileges privileges = PortPrivileges.detect();
        PortHolderLookup holders = new PortHolderLookup();
        return new PortTools(privileges, holders, new PortProbe(new BindFailureClassifier(privileges), holders),
                new InstanceRegistry(Path.of(config.properties().getStateDir())));
    }

}
