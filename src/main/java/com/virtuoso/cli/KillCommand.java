package com.virtuoso.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import com.virtuoso.ports.ListenerShutdown;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.ports.PortHolders;

/**
 * {@code ports kill PORT}: stop whoever listens on the port, safely.
 */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = { "Stop the processes listening on PORT (never processes merely connected to it). Shows "
                + "PID, user, start time and command, and asks for confirmation on a terminal. Sends SIGTERM and "
                + "waits for the port to be free; SIGKILL only with --force. Refuses PID 1, itself and its "
                + "ancestors, and other users' processes unless --force.",
                "Exit 0 when the port is free at the end, 1 when it is still held (or you declined), "
                        + "77 when refused for safety." })
class KillCommand extends ConfiguredCommand implements Callable<Integer> {

    /** sysexits.h EX_NOPERM: refused by a safety rule. */
    static final int REFUSED = 77;

    /** Longer than Spring Boot's graceful shutdown (30 s per phase). */
    static final long DEFAULT_TIMEOUT_SECONDS = 40;

    @Parameters(paramLabel = "PORT", description = "Port whose listeners to stop, 1-65535.")
    int port;

    @Mixin
    Confirmation confirmation;

    @Option(names = "--force", description = "Send SIGKILL after the timeout, and allow other users' processes.")
    boolean force;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_TIMEOUT_SECONDS,
            description = "How long to wait for the port after SIGTERM (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /**
     * The answer of {@code kill --json}.
     *
     * @param port the port
     * @param holders who listened on it
     * @param action {@code none} (nobody listened), {@code dry-run}, {@code refused}, {@code declined} or
     * {@code stopped}
     * @param free whether the port is free at the end
     * @param remaining who still listens on it
     * @param reasons why stopping was refused, or why nobody is named
     */
    record Report(int port, List<PortHolder> holders, String action, boolean free, List<PortHolder> remaining,
            List<String> reasons) {
    }

    @Override
    public Integer call() {
        PortArgument.check(spec, "PORT", port);
        LoadedConfig config = loadConfig();
        printWarnings(config);
        PortTools tools = PortTools.of(config);
        PortHolders found = tools.holders().lookup(port);
        List<PortHolder> holders = found.holders();
        if (holders.isEmpty()) {
            return report(new Report(port, holders, "none", true, List.of(), List.of(found.unknownReason())), 0);
        }
        ListenerShutdown shutdown = tools.shutdown();
        List<String> refusals = holders.stream()
            .map((holder) -> shutdown.refusal(holder, force))
            .flatMap(Optional::stream)
            .toList();
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
        return report(new Report(port, holders, "stopped", result.free(), result.remaining(), List.of()),
                result.free() ? 0 : 1);
    }

    private int report(Report report, int exitCode) {
        if (json) {
            printJson(report);
            return exitCode;
        }
        switch (report.action()) {
            case "none" -> out().println("Nobody listens on port " + port + ": nothing to stop ("
                    + report.reasons().get(0) + ")");
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
                else {
                    printHolders("Port " + port + " is still held by:", report.remaining());
                    out().println(force ? "It survived SIGKILL: check it with ports check " + port
                            : "Pass --force to send SIGKILL after " + timeoutSeconds + " s.");
                }
            }
        }
        out().flush();
        err().flush();
        return exitCode;
    }

    private void printHolders(String heading, List<PortHolder> holders) {
        out().println(heading);
        for (PortHolder holder : holders) {
            printHolder(holder.pid(), holder.user(), holder.startTime(), holder.command(), "");
        }
    }

}
