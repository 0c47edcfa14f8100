package com.virtuoso.cli;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.state.StateDirectory;
import com.virtuoso.state.StateDirectoryRefusedException;

/**
 * {@code ports check PORT}: is the port free on the configured host, and if not, who listens on it.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = { "Tell whether PORT is free on the configured host, judged as the server's bind would judge it "
                + "(IPv4 and IPv6). When it is in use, list every process listening on it.",
                "Exit 0 when free, 1 when in use or not bindable (privileged, not an address of this machine, or "
                        + "why could not be verified), 2 for a bad argument (an unresolvable --host)." })
class CheckCommand extends ConfiguredCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PORT", description = "Port to check, 1-65535.")
    int port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to check instead of web_server.host.")
    String host;

    private final Function<LoadedConfig, PortTools> toolsOf;

    CheckCommand() {
        this(PortTools::of);
    }

    /** For tests that give the command port tools of their own (a classifier that fails). */
    CheckCommand(Function<LoadedConfig, PortTools> toolsOf) {
        this.toolsOf = toolsOf;
    }

    /**
     * The answer of {@code check --json}.
     *
     * @param port the port checked
     * @param host the address checked
     * @param free whether the server could bind it now
     * @param outcome BOUND (free), IN_USE, PERMISSION_DENIED, ADDRESS_UNAVAILABLE or UNKNOWN (the bind
     * failed and why could not be told)
     * @param holders the processes listening on the port
     * @param detail why no holder is named (for UNKNOWN, what the bind said), or {@code null}
     */
    record Report(int port, String host, boolean free, String outcome, List<Holder> holders, String detail) {
    }

    /**
     * A process listening on the port.
     *
     * @param virtuoso whether it is a registered, running Virtuoso server
     */
    record Holder(long pid, String user, Instant startTime, String command, boolean virtuoso) {
    }

    @Override
    public Integer call() throws Exception {
        PortArgument.check(spec, "PORT", port);
        LoadedConfig config = loadConfig();
        printWarnings(config);
        PortTools tools = toolsOf.apply(config);
        InetAddress address = (host != null) ? HostArgument.resolve(spec, host) : config.host();
        PortProbe.Result result = tools.probe().check(address, port);
        // the registry is read only when someone holds the port: a free port is answered sooner
        Set<Long> virtuoso = result.holders().holders().isEmpty() ? Set.of() : registeredServers(tools);
        List<Holder> holders = result.holders()
            .holders()
            .stream()
            .map((holder) -> new Holder(holder.pid(), holder.user(), holder.startTime(), holder.command(),
                    virtuoso.contains(holder.pid())))
            .toList();
        Report report = new Report(port, address.getHostAddress(), result.free(), result.outcome().name(), holders,
                result.holders().unknownReason());
        if (json) {
            printJson(report);
        }
        else {
            printText(report);
        }
        return report.free() ? 0 : 1;
    }

    /** The PIDs of the live registered servers; none, with a warning, when the state directory is not used. */
    private Set<Long> registeredServers(PortTools tools) {
        StateDirectory stateDirectory = tools.openStateDirectory();
        if (!stateDirectory.isUsable()) {
            err().println("warning: " + stateDirectory.refusal().orElseThrow()
                    + ". Holders are not checked against the instance registry.");
            err().flush();
            return Set.of();
        }
        try {
            return PortTools.registry(stateDirectory, err())
                .live()
                .stream()
                .map(InstanceRecord::pid)
                .collect(Collectors.toSet());
        }
        catch (StateDirectoryRefusedException ex) {
            err().println("warning: " + ex.getMessage() + ". Holders are not checked against the instance registry.");
            err().flush();
            return Set.of();
        }
    }

    private void printText(Report report) {
        if (report.free()) {
            out().println("Port " + report.port() + " is free on " + report.host());
            return;
        }
        out().println("Port " + report.port() + " is " + BindOutcome.valueOf(report.outcome()).describe() + " on " + report.host()
                + (report.holders().isEmpty() ? ": " + report.detail() : ":"));
        for (Holder holder : report.holders()) {
            printHolder(holder.pid(), holder.user(), holder.startTime(), holder.command(),
                    holder.virtuoso() ? "  [Virtuoso]" : "");
        }
    }

}
