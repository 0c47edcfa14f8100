package com.virtuoso.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.state.StateDirectoryRefusedException;

/**
 * The port core as the commands use it, built once per command from the configuration.
 *
 * @param privileges what this process may bind
 * @param holders the holder lookup
 * @param probe binds a port to see whether it is free
 * @param stateDirectory the configured state directory, opened only by the commands that read it
 */
record PortTools(PortPrivileges privileges, PortHolderLookup holders, PortProbe probe, Path stateDirectory) {

    /** Stops listeners on behalf of the user running this command. */
    ListenerShutdown shutdown() {
        return new ListenerShutdown(holders, System.getProperty("user.name"));
    }

    /** Opens the state directory (see {@link StateDirectory#open}); a command does so once. */
    StateDirectory openStateDirectory() {
        return StateDirectory.open(stateDirectory);
    }

    /**
     * The instance registry, for a command that cannot do without it; an entry it cannot read is
     * told on {@code err} as a warning, once.
     * @throws StateDirectoryRefusedException when the state directory is refused
     */
    InstanceRegistry registry(PrintWriter err) {
        return registry(openStateDirectory().requireUsable(), err);
    }

    /** The instance registry of {@code stateDirectory}, its unreadable entries told on {@code err}. */
    static InstanceRegistry registry(StateDirectory stateDirectory, PrintWriter err) {
        return new InstanceRegistry(stateDirectory, (warning) -> {
            err.println("warning: " + warning);
            err.flush();
        });
    }

    static PortTools of(LoadedConfig config) {
        PortPrivileges privileges = PortPrivileges.detect();
        PortHolderLookup holders = new PortHolderLookup();
        return new PortTools(privileges, holders, new PortProbe(new BindFailureClassifier(privileges), holders),
                Path.of(config.properties().getStateDir()));
    }

}
