package com.virtuoso.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.targets.PrometheusTargets;

/**
 * {@code ports list}: the running Virtuoso servers of the configured state directory.
 */
@Command(name = "list", aliases = "list-virtuoso", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "List the running Virtuoso servers registered in web_server.state_dir, each verified: the "
                + "process runs with the same start time and still listens on its port. Stale entries (dead "
                + "process, reused PID, a file not named after its PID) are removed and reported, and so are the "
                + "Prometheus target files (web_server.prometheus_targets_dir) of servers that are gone.",
                "Exit 0, or 78 when the state directory is not used (a symbolic link, another user's, or writable "
                        + "by group or others)." })
class ListCommand extends ConfiguredCommand implements Callable<Integer> {

    /**
     * A registered server, as {@code list --json} reports it.
     *
     * @param listening whether it still listens on its port
     * @param uptimeSeconds how long its process has been running
     */
    record Instance(long pid, String host, int port, int primaryPort, Instant startTime, long uptimeSeconds,
            boolean listening, String version, String workingDirectory, String configFile) {
    }

    /**
     * A registry entry that was removed.
     *
     * @param reason why it was stale
     */
    record Removed(long pid, int port, String reason) {
    }

    /**
     * The answer of {@code list --json}.
     *
     * @param removedTargetFiles the Prometheus target files of servers that are gone, removed
     */
    record Report(List<Instance> instances, List<Removed> removed, List<String> removedTargetFiles) {
    }

    @Override
    public Integer call() throws IOException {
        LoadedConfig config = loadConfig();
        printWarnings(config);
        PortTools tools = PortTools.of(config);
        StateDirectory stateDirectory = tools.openStateDirectory().requireUsable();
        InstanceRegistry registry = PortTools.registry(stateDirectory, err());
        // before the stale entries go: a target file of a reused pid is told by its entry
        List<String> removedTargetFiles = removeStaleTargetFiles(
                PrometheusTargets.of(stateDirectory, config.properties().getPrometheusTargetsDir()), registry);
        List<Instance> instances = new ArrayList<>();
        List<Removed> removed = new ArrayList<>();
        Instant now = Instant.now();
        for (InstanceRegistry.Entry entry : registry.all()) {
            InstanceRecord record = entry.instance();
            if (!entry.isLive()) {
                registry.remove(entry);
                removed.add(new Removed(record.pid(), record.port(), staleReason(entry)));
                continue;
            }
            boolean listening = tools.holders().lookup(record.port()).heldBy(record.pid());
            instances.add(new Instance(record.pid(), record.host(), record.port(), record.primaryPort(),
                    record.startTime(), Duration.between(record.startTime(), now).toSeconds(), listening,
                    record.version(), record.workingDirectory(), record.configFile()));
        }
        if (json) {
            printJson(new Report(instances, removed, removedTargetFiles));
        }
        else {
            printText(instances, removed, removedTargetFiles);
        }
        return 0;
    }

    private List<String> removeStaleTargetFiles(PrometheusTargets targets, InstanceRegistry registry) {
        try {
            return targets.removeStale(registry).stream().map(Path::toString).toList();
        }
        catch (IOException | RuntimeException ex) {
            err().println("warning: could not remove the Prometheus target files of servers that are gone from "
                    + targets.directory() + ": " + ex);
            err().flush();
            return List.of();
        }
    }

    private void printText(List<Instance> instances, List<Removed> removed, List<String> removedTargetFiles) {
        if (instances.isEmpty()) {
            out().println("No Virtuoso server is running.");
        }
        else {
            out().printf("%-8s %-16s %-6s %-8s %-10s %s%n", "PID", "HOST", "PORT", "PRIMARY", "UPTIME", "CONFIG");
            for (Instance instance : instances) {
                out().printf("%-8d %-16s %-6d %-8d %-10s %s%s%n", instance.pid(), instance.host(), instance.port(),
                        instance.primaryPort(), uptime(instance.uptimeSeconds()),
                        (instance.configFile() != null) ? instance.configFile() : "(defaults)",
                        instance.listening() ? "" : "  [not listening on its port]");
            }
        }
        for (Removed entry : removed) {
            out().println("Removed stale entry: PID " + entry.pid() + " (port " + entry.port() + "): " + entry.reason());
        }
        for (String file : removedTargetFiles) {
            out().println("Removed the Prometheus target file of a server that is gone: " + file);
        }
    }

    private static String staleReason(InstanceRegistry.Entry entry) {
        if (!entry.namedAfterItsPid()) {
            return "file " + entry.file().getFileName() + " does not match the PID it names";
        }
        return ProcessHandle.of(entry.instance().pid()).isPresent() ? "PID reused by another process"
                : "process no longer running";
    }

    private static String uptime(long seconds) {
        Duration duration = Duration.ofSeconds(seconds);
        return (duration.toHours() > 0) ? duration.toHours() + "h" + duration.toMinutesPart() + "m"
                : duration.toMinutes() + "m" + duration.toSecondsPart() + "s";
    }

}
