package com.virtuoso.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import com.virtuoso.ports.ActivatedPort;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortHolders;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PublishedPort;

/**
 * {@code ports kill PORT}: stop whoever listens on the port, safely.
 */
@Command(name = "kill", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "Stop the processes listening on PORT (never processes merely connected to it). Shows "
                + "PID, user, start time and command, and asks for confirmation on a terminal. Sends SIGTERM and "
                + "waits for the port to be free; SIGKILL only with --force. Refuses PID 1, itself and its "
                + "ancestors, and other users' processes unless --force. Refuses a port held through socket "
                + "activation (PID 1, or a Virtuoso serving a socket the service manager handed over) and prints "
                + "the systemctl command that frees it, and a port a container engine publishes (docker-proxy, "
                + "rootlesskit, slirp4netns, rootlessport) and prints the docker stop command that frees it.",
                "Exit 0 when the port is free at the end (a bind on web_server.host succeeds and no listener is "
                        + "visible), 1 when it is still held, when its listener cannot be seen, when a signal could "
                        + "not be sent (or you declined), 77 when refused for safety." })
class KillCommand extends ConfiguredCommand implements Callable<Integer> {

    /** sysexits.h EX_NOPERM: refused by a safety rule. */
    static final int REFUSED = 77;

    /** Longer than Spring Boot's graceful shutdown (30 s per phase). */
    static final long DEFAULT_TIMEOUT_SECONDS = 40;

    /** An hour: a longer wait is a typo, and a huge one would overflow the clock. */
    static final long MAX_TIMEOUT_SECONDS = 3600;

    @Parameters(paramLabel = "PORT", description = "Port whose listeners to stop, 1-65535.")
    int port;

    @Mixin
    Confirmation confirmation;

    @Option(names = "--force", description = "Send SIGKILL after the timeout, and allow other users' processes.")
    boolean force;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_TIMEOUT_SECONDS,
            description = "How long to wait for the port after SIGTERM, 0-3600 (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    private final Function<LoadedConfig, PortTools> toolsOf;

    KillCommand() {
        this(PortTools::of);
    }

    /** For tests that give the command a holder lookup of their own (a fake {@code /proc}). */
    KillCommand(Function<LoadedConfig, PortTools> toolsOf) {
        this.toolsOf = toolsOf;
    }

    /**
     * The answer of {@code kill --json}.
     *
     * @param port the port
     * @param holders who listened on it
     * @param action {@code none} (nobody listened), {@code unseen} (a listener may hold the port, but this
     * user cannot see it), {@code dry-run}, {@code refused}, {@code declined} or {@code stopped}
     * @param free whether the port is free at the end: a bind on the configured host succeeded and no
     * listener was visible
     * @param remaining who still listens on it
     * @param reasons why stopping was refused, why nobody is named, why the port is not known to be
     * free, or which signals could not be sent
     */
    record Report(int port, List<PortHolder> holders, String action, boolean free, List<PortHolder> remaining,
            List<String> reasons) {
    }

    @Override
    public Integer call() {
        PortArgument.check(spec, "PORT", port);
        checkTimeout(spec, timeoutSeconds);
        LoadedConfig config = loadConfig();
        printWarnings(config);
        PortTools tools = toolsOf.apply(config);
        InetAddress host = config.host();
        PortHolders found = tools.holders().lookup(port);
        List<PortHolder> holders = found.holders();
        Optional<PublishedPort> published = found.published();
        if (published.isPresent()) {
            // even --force: the container is what holds the port; its proxy is not stopped behind the engine's
            // back (and a proxy this user cannot see is root's, named by the engine)
            return report(new Report(port, holders, "refused", false, holders,
                    List.of(published.get().reason() + "; " + published.get().instead())), REFUSED);
        }
        if (holders.isEmpty()) {
            Optional<String> notFree = notFree(tools, host, found.unknownReason());
            return notFree.map((reason) -> report(new Report(port, holders, "unseen", false, List.of(),
                    List.of(reason)), 1))
                .orElseGet(() -> report(new Report(port, holders, "none", true, List.of(),
                        List.of(found.unknownReason())), 0));
        }
        Optional<ActivatedPort> activated = PortTools.activated(port, holders, tools.liveServers(err()));
        if (activated.isPresent()) {
            // even --force: a stopped server is started again by the service manager, which keeps the port
            return report(new Report(port, holders, "refused", false, holders,
                    List.of(activated.get().reason() + "; " + activated.get().instead())), REFUSED);
        }
        ListenerShutdown shutdown = tools.shutdown();
        List<String> refusals = shutdown.refusals(holders, force);
        if (!refusals.isEmpty()) {
            return report(new Report(port, holders, "refused", false, holders, refusals), REFUSED);
        }
        if (confirmation.dryRun) {
            return report(new Report(port, holders, "dry-run", false, holders, List.of()), 0);
        }
        if (!confirmation.granted("stop " + holders.size() + " process(es) with SIGTERM"
                + (force ? " (then SIGKILL)" : ""), () -> printHolders("Port " + port + " is held by:", holders), err())) {
            return report(new Report(port, holders, "declined", false, holders, List.of()), 1);
        }
        ListenerShutdown.Result result = shutdown.stop(port, holders, Duration.ofSeconds(timeoutSeconds), force);
        List<String> reasons = new ArrayList<>(result.unsent());
        ListenerShutdown.newcomers(result.remaining(), holders).forEach((newcomer) -> reasons.add("PID "
                + newcomer.pid() + " was sent no signal: it was not among the holders of port " + port + " when they "
                + "were looked up (a child that inherited the socket, or a listener started since); to stop it "
                + "too, run ports kill " + port + " again"));
        boolean free = result.free();
        if (result.remaining().isEmpty()) {
            // the holders named are gone; the port is free only if the server's own bind says so
            Optional<String> notFree = notFree(tools, host, tools.holders().lookup(port).unknownReason());
            notFree.ifPresent(reasons::add);
            free = notFree.isEmpty();
        }
        return report(new Report(port, holders, "stopped", free, result.remaining(), reasons), free ? 0 : 1);
    }

    /** A usage error (exit 2) unless {@code seconds} is 0-3600. */
    static void checkTimeout(CommandSpec spec, long seconds) {
        if (seconds < 0 || seconds > MAX_TIMEOUT_SECONDS) {
            throw new ParameterException(spec.commandLine(),
                    "--timeout must be from 0 to " + MAX_TIMEOUT_SECONDS + " seconds, not " + seconds);
        }
    }

    /**
     * Why the port cannot be called free although no holder is named, or empty when it is free:
     * a real bind on {@code host} succeeds and the kernel's tables, readable to this user, show no
     * listener. {@code unseen} is the lookup's reason for naming nobody; a port in use is looked up
     * again, as the probe found it.
     */
    private Optional<String> notFree(PortTools tools, InetAddress host, String unseen) {
        PortProbe.Result probed = tools.probe().check(host, port);
        String on = " on " + host.getHostAddress();
        if (probed.outcome() == BindOutcome.IN_USE) {
            PortHolders holders = probed.holders();
            String by = holders.holders().isEmpty()
                    ? "a listener this user cannot see (" + holders.unknownReason() + ")" : holders.describe();
            return Optional.of("port " + port + " is in use" + on + ", by " + by);
        }
        if (probed.outcome() == BindOutcome.UNKNOWN) {
            return Optional.of("port " + port + " cannot be bound" + on + ", and why could not be verified: "
                    + probed.holders().unknownReason());
        }
        if (!probed.free()) {
            return Optional.of("port " + port + " cannot be bound" + on + ": it is " + probed.outcome().describe());
        }
        if (!tools.holders().seesNoListener(port)) {
            return Optional.of("port " + port + " can be bound" + on + ", but a listener on another address "
                    + "cannot be ruled out: " + unseen);
        }
        return Optional.empty();
    }

    private int report(Report report, int exitCode) {
        if (json) {
            printJson(report);
            return exitCode;
        }
        switch (report.action()) {
            case "none" -> out().println("Nobody listens on port " + port + ": nothing to stop ("
                    + report.reasons().get(0) + ")");
            case "unseen" -> out().println("Nothing was stopped, and port " + port + " is not known to be free: "
                    + report.reasons().get(0));
            case "refused" -> {
                printHolders("Port " + port + " is held by:", report.holders());
                report.reasons().forEach((reason) -> err().println("Refused: " + reason));
            }
            case "dry-run" -> {
                printHolders("Would stop (SIGTERM, then wait up to " + timeoutSeconds + " s for the port"
                        + (force ? ", then SIGKILL" : "") + "):", report.holders());
                out().println("Dry run: nothing was sent.");
            }
            case "declined" -> out().println("Nothing was stopped.");
            default -> {
                if (report.free()) {
                    out().println("Port " + port + " is free now.");
                }
                else if (!report.remaining().isEmpty()) {
                    printHolders("Port " + port + " is still held by:", report.remaining());
                    if (signalledButStillHolding(report)) {
                        out().println(force ? "It survived SIGKILL: check it with ports check " + port
                                : "Pass --force to send SIGKILL after " + timeoutSeconds + " s.");
                    }
                }
                report.reasons().forEach((reason) -> out().println("Not free: " + reason));
            }
        }
        out().flush();
        err().flush();
        return exitCode;
    }

    /**
     * Whether a process this stop signalled still holds the port: one of the holders it was asked to
     * stop is among those remaining, and every reason given is about a newcomer (none says that a
     * signal could not be sent).
     */
    private static boolean signalledButStillHolding(Report report) {
        int newcomers = ListenerShutdown.newcomers(report.remaining(), report.holders()).size();
        return report.remaining().size() > newcomers && report.reasons().size() == newcomers;
    }

    private void printHolders(String heading, List<PortHolder> holders) {
        out().println(heading);
        for (PortHolder holder : holders) {
            printHolder(holder.pid(), holder.user(), holder.startTime(), holder.command(), "");
        }
    }

}
