package com.virtuoso.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import com.virtuoso.config.PortSettingsFile;
import com.virtuoso.config.PortSource;
import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.ActivatedPort;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PublishedPort;
import com.virtuoso.server.RunningJar;

/**
 * {@code ports auto-fix}: make the next start succeed on the configured port, harming no one.
 */
@Command(name = "auto-fix", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "Make the next start succeed on the configured port. When the port is held by a running "
                + "Virtuoso server of this deployment (its registry record names the same config file, or both "
                + "run on defaults in the same directory; PID and start time verified), stop it as 'kill' would, "
                + "with the same refusals. Any other process, a Virtuoso of another deployment included, is never "
                + "stopped: the first free fallback port becomes the port instead, where the port is set (the key "
                + "and file that supply it); when it is set on the command line or in an environment variable, that is named "
                + "and nothing is changed. "
                + "A port held through socket activation (PID 1, or a Virtuoso serving a socket the service manager "
                + "handed over) is refused, with the systemctl command that frees it. "
                + "Asks on a terminal; --yes confirms, --dry-run only shows the plan.",
                "Exit 0 when the next start will find its port free, 1 when not (or not confirmed), 77 when "
                        + "stopping was refused for safety, 78 when the state directory is not used." })
class AutoFixCommand extends ConfiguredCommand implements Callable<Integer> {

    @Mixin
    Confirmation confirmation;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + KillCommand.DEFAULT_TIMEOUT_SECONDS,
            description = "How long to wait for a stopped server to free the port, 0-3600 (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /**
     * The answer of {@code auto-fix --json}.
     *
     * @param port the configured port
     * @param holders who listens on it
     * @param plan {@code nothing} (the port is free), {@code stop-virtuoso}, {@code refused} (it is ours,
     * but a safety rule forbids stopping it, or it is held through socket activation), {@code move-port} or
     * {@code none} (no safe fix)
     * @param newPort the port the config is moved to, for {@code move-port}
     * @param done whether the plan was carried out and the next start will find its port free
     * @param message what was done, or what to run
     */
    record Report(int port, List<PortHolder> holders, String plan, Integer newPort, boolean done, String message) {
    }

    private final Function<LoadedConfig, PortTools> toolsOf;

    AutoFixCommand() {
        this(PortTools::of);
    }

    /** For tests that give the command a holder lookup or a classifier of their own. */
    AutoFixCommand(Function<LoadedConfig, PortTools> toolsOf) {
        this.toolsOf = toolsOf;
    }

    @Override
    public Integer call() throws IOException {
        KillCommand.checkTimeout(spec, timeoutSeconds);
        LoadedConfig loaded = loadConfig();
        printWarnings(loaded);
        PortTools tools = toolsOf.apply(loaded);
        InstanceRegistry registry = tools.registry(err());
        int port = loaded.primaryPort();
        InetAddress host = loaded.host();
        PortProbe.Result result = tools.probe().check(host, port);
        if (result.free()) {
            return report(new Report(port, List.of(), "nothing", null, true,
                    "Port " + port + " is free: the next start will use it."));
        }
        List<PortHolder> holders = result.holders().holders();
        String user = System.getProperty("user.name");
        Map<Long, InstanceRecord> servers = registry.live()
            .stream()
            .collect(Collectors.toMap(InstanceRecord::pid, Function.identity()));
        Optional<ActivatedPort> activated = PortTools.activated(port, holders, servers);
        if (activated.isPresent()) {
            // the port comes from the socket unit: neither stopping the server nor moving the configured port frees it
            return report(new Report(port, holders, "refused", null, false, "Port " + port + " is held through "
                    + "socket activation: " + activated.get().reason() + ". Nothing was sent or changed; "
                    + activated.get().instead()), KillCommand.REFUSED);
        }
        Deployment deployment = Deployment.of(loaded);
        boolean allOurServers = !holders.isEmpty() && holders.stream().allMatch((holder) -> {
            InstanceRecord server = servers.get(holder.pid());
            return server != null && server.port() == port && deployment.includes(server)
                    && user.equals(holder.user());
        });
        if (allOurServers) {
            ListenerShutdown shutdown = tools.shutdown();
            List<String> refusals = shutdown.refusals(holders, false);
            if (!refusals.isEmpty()) {
                return report(new Report(port, holders, "refused", null, false, "Port " + port + " is held by your "
                        + "Virtuoso server " + pids(holders) + ", but it is not stopped: " + String.join("; ", refusals)
                        + ". Nothing was sent."), KillCommand.REFUSED);
            }
            return stopOurServers(shutdown, port, holders);
        }
        return movePort(tools, loaded, host, port, result, servers, deployment);
    }

    private int stopOurServers(ListenerShutdown shutdown, int port, List<PortHolder> holders) {
        String plan = "Port " + port + " is held by your Virtuoso server " + pids(holders) + ": stop it (SIGTERM).";
        if (!confirmation.granted("stop Virtuoso " + pids(holders), () -> showPlan(plan), err())) {
            return report(new Report(port, holders, "stop-virtuoso", null, false, plan
                    + (confirmation.dryRun ? " Dry run: nothing was sent." : " Nothing was stopped.")));
        }
        ListenerShutdown.Result stopped = shutdown.stop(port, holders, Duration.ofSeconds(timeoutSeconds), false);
        List<PortHolder> newcomers = ListenerShutdown.newcomers(stopped.remaining(), holders);
        String message = stopped.free() ? "Stopped Virtuoso " + pids(holders) + "; port " + port + " is free now."
                : !stopped.unsent().isEmpty() ? "Port " + port + " is still held by " + pids(stopped.remaining())
                        + ": " + String.join("; ", stopped.unsent())
                : stopped.remaining().isEmpty() ? "Stopped Virtuoso " + pids(holders) + ", but port " + port
                        + " is still taken after " + timeoutSeconds + " s: its socket has not closed; check it with: "
                        + RunningJar.command() + " ports check " + port
                : newcomers.size() == stopped.remaining().size() ? "Port " + port + " is held by "
                        + pids(newcomers) + " now: not among the servers stopped, and sent no signal (a child "
                        + "that inherited the socket, or a listener started since); check it with: "
                        + RunningJar.command() + " ports check " + port
                : "Port " + port + " is still held by " + pids(stopped.remaining()) + " after " + timeoutSeconds
                        + " s; stop it with: " + RunningJar.command() + " ports kill " + port + " --force";
        return report(new Report(port, holders, "stop-virtuoso", null, stopped.free(), message));
    }

    private int movePort(PortTools tools, LoadedConfig loaded, InetAddress host, int port, PortProbe.Result result,
            Map<Long, InstanceRecord> servers, Deployment deployment) throws IOException {
        List<PortHolder> holders = result.holders().holders();
        String situation;
        if (result.outcome() == BindOutcome.UNKNOWN) {
            // the bind failed, and why could not be told: neither a holder nor "nobody" was seen
            situation = "Port " + port + " is " + result.outcome().describe() + " ("
                    + result.holders().unknownReason() + ")";
        }
        else if (result.outcome() != BindOutcome.IN_USE) {
            situation = "Port " + port + " is held by nobody, but it is " + result.outcome().describe();
        }
        else if (result.holders().published().isPresent()) {
            // before "cannot see": the engine names the container behind a proxy whose process is root's
            PublishedPort published = result.holders().published().get();
            situation = "Port " + port + " is held by " + published.describe() + ", which will not be stopped ("
                    + published.instead() + ")";
        }
        else if (holders.isEmpty()) {
            situation = "Port " + port + " is held by a process this user cannot see ("
                    + result.holders().unknownReason() + ")";
        }
        else if (servers.containsKey(holders.get(0).pid())) {
            InstanceRecord server = servers.get(holders.get(0).pid());
            situation = "Port " + port + " is held by PID " + pids(holders) + ", " + (deployment.includes(server)
                    ? "your Virtuoso server registered on port " + server.port() + ", not " + port
                    : "a Virtuoso server of another deployment (config " + ((server.configFile() != null)
                            ? server.configFile() : "defaults in " + server.workingDirectory()) + ")")
                    + ", which will not be stopped";
        }
        else {
            situation = "Port " + port + " is held by PID " + pids(holders) + " (" + holders.get(0).command()
                    + "), which is not your Virtuoso server and will not be stopped";
        }
        Optional<Integer> free = loaded.candidates()
            .ports()
            .stream()
            .filter((candidate) -> candidate > 0 && candidate != port)
            .filter((candidate) -> tools.probe().isFree(host, candidate))
            .findFirst();
        if (free.isEmpty()) {
            return report(new Report(port, holders, "none", null, false, situation
                    + ", and no fallback port is free. Find one with: " + RunningJar.command() + " ports "
                    + "find-available " + port));
        }
        int newPort = free.get();
        PortSource source = loaded.port();
        if (!source.isDefault() && !source.inFile()) {
            return report(new Report(port, holders, "move-port", newPort, false, situation
                    + ". " + UpdateConfigCommand.notEdited(source, "auto-fix", newPort)));
        }
        Optional<String> unread = source.isDefault() ? unreadFileReason("auto-fix", newPort) : Optional.empty();
        if (unread.isPresent()) {
            return report(new Report(port, holders, "move-port", newPort, false, situation
                    + ". " + unread.get()));
        }
        Path file = source.inFile() ? source.file() : config;
        String plan = situation + ". Set " + source.displayKey() + " to " + newPort + " in "
                + file + ".";
        if (!confirmation.granted("set " + source.displayKey() + " to " + newPort, () -> showPlan(plan), err())) {
            return report(new Report(port, holders, "move-port", newPort, false, plan + (confirmation.dryRun
                    ? " Dry run: nothing was changed."
                    : " Nothing was changed. To do it yourself: " + RunningJar.command() + " ports update-config "
                            + newPort)));
        }
        PortSettingsFile.Change change = new PortSettingsFile(file).update(UpdateConfigCommand.portKey(source), newPort,
                null, source.line());
        return report(new Report(port, holders, "move-port", newPort, true,
                situation + ". Set " + source.displayKey() + " to " + newPort + " in "
                        + file
                        + ((change.backup() != null) ? " (previous file kept as " + change.backup() + ")" : "")
                        + ". The next start will use " + newPort + "."));
    }

    private void showPlan(String plan) {
        out().println(plan);
        out().flush();
    }

    private int report(Report report) {
        return report(report, report.done() ? 0 : 1);
    }

    private int report(Report report, int exitCode) {
        if (json) {
            printJson(report);
        }
        else {
            out().println(report.message());
            out().flush();
        }
        return exitCode;
    }

    private static String pids(List<PortHolder> holders) {
        return holders.stream().map((holder) -> Long.toString(holder.pid())).collect(Collectors.joining(", "));
    }

}
