package com.virtuoso.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.virtuoso.container.Container;
import com.virtuoso.container.DockerEngine;
import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.ActivatedPort;
import com.virtuoso.ports.BindFailureClassifier;
import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortHolderLookup;
import com.virtuoso.ports.PortPrivileges;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.ServiceUnits;
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

    /**
     * The live registered servers by PID, for a command that can do without them: none, with a
     * warning on {@code err}, when the state directory is not used.
     */
    Map<Long, InstanceRecord> liveServers(PrintWriter err) {
        StateDirectory opened = openStateDirectory();
        try {
            return registry(opened.requireUsable(), err).live()
                .stream()
                .collect(Collectors.toMap(InstanceRecord::pid, Function.identity()));
        }
        catch (StateDirectoryRefusedException ex) {
            err.println("warning: " + ex.getMessage() + ". Holders are not checked against the instance registry.");
            err.flush();
            return Map.of();
        }
    }

    /**
     * The holder of {@code port} that shows it is held through socket activation: PID 1, or a
     * server of {@code servers} that registered an inherited socket.
     */
    static Optional<ActivatedPort> activated(int port, List<PortHolder> holders, Map<Long, InstanceRecord> servers) {
        return ActivatedPort.among(port, holders,
                (pid) -> servers.containsKey(pid) && servers.get(pid).inheritedSocket(), ServiceUnits::of);
    }

    static PortTools of(LoadedConfig config) {
        PortPrivileges privileges = PortPrivileges.detect();
        // DOCKER_HOST as the command's environment says, like every variable the commands read
        PortHolderLookup holders = new PortHolderLookup(DockerEngine.of(config.variable("DOCKER_HOST")),
                Container.detect(config.properties().getInContainer()).isEmpty());
        return new PortTools(privileges, holders, new PortProbe(new BindFailureClassifier(privileges), holders),
                Path.of(config.properties().getStateDir()));
    }

}
