package com.virtuoso.cli;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.ports.ActivatedPort;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.PortProbe;
import com.virtuoso.ports.PublishedPort;
import com.virtuoso.ports.PublishingContainer;

/**
 * {@code ports check PORT}: is the port free on the configured host, and if not, who listens on it.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "Tell whether PORT is free on the configured host, judged as the server's bind would judge it "
                + "(IPv4 and IPv6). When it is in use, list every process listening on it, and name the container when a container "
                + "engine publishes the port (docker-proxy and the rootless forwarders).",
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
     * @param socketActivation how the port is held through socket activation, or {@code null} when it is not
     * @param published how a container engine publishes the port, or {@code null} when it does not
     */
    record Report(int port, String host, boolean free, String outcome, List<Holder> holders, String detail,
            SocketActivation socketActivation, Published published) {
    }

    /**
     * A container engine publishes the port: a forwarder holds it for a container.
     *
     * @param pid the forwarder's PID, or {@code null} when this user cannot see its process (root's docker-proxy)
     * @param forwarder the forwarder: {@code docker-proxy}, {@code rootlesskit}, {@code slirp4netns} or
     * {@code rootlessport}
     * @param containers the containers that publish the port, as the engine names them; empty when it could
     * not be asked
     * @param description the port and its container in words
     * @param stopCommand what frees the port ({@code docker stop NAME}), or what names the container
     */
    record Published(Long pid, String forwarder, List<PublishingContainer> containers, String description,
            String stopCommand) {

        static Published of(PublishedPort published) {
            return new Published((published.holder() != null) ? published.holder().pid() : null, published.forwarder().executable(),
                    published.containers(), published.describe(), published.stopCommand());
        }

    }

    /**
     * The port is held through socket activation.
     *
     * @param pid the holder that shows it: 1 (the service manager) or a Virtuoso serving an inherited socket
     * @param reason why a signal would not free the port
     * @param stopCommand what frees it
     * @param unitsNamed whether the units were read from the server's cgroup, rather than the shipped names
     */
    record SocketActivation(long pid, String reason, String stopCommand, boolean unitsNamed) {

        static SocketActivation of(ActivatedPort activated) {
            return new SocketActivation(activated.holder().pid(), activated.reason(),
                    activated.units().stopCommand(), activated.units().named());
        }

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
        Map<Long, InstanceRecord> virtuoso = result.holders().holders().isEmpty() ? Map.of()
                : tools.liveServers(err());
        List<Holder> holders = result.holders()
            .holders()
            .stream()
            .map((holder) -> new Holder(holder.pid(), holder.user(), holder.startTime(), holder.command(),
                    virtuoso.containsKey(holder.pid())))
            .toList();
        SocketActivation activation = PortTools.activated(port, result.holders().holders(), virtuoso)
            .map(SocketActivation::of)
            .orElse(null);
        Published published = result.holders().published().map(Published::of).orElse(null);
        Report report = new Report(port, address.getHostAddress(), result.free(), result.outcome().name(), holders,
                result.holders().unknownReason(), activation, published);
        if (json) {
            printJson(report);
        }
        else {
            printText(report);
        }
        return report.free() ? 0 : 1;
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
        if (report.socketActivation() != null) {
            out().println("Held through socket activation: " + report.socketActivation().reason() + ".");
            out().println("To free it: " + report.socketActivation().stopCommand());
        }
        if (report.published() != null) {
            out().println("Held for a container: " + report.published().description() + ".");
            out().println((report.published().containers().isEmpty() ? "To name the container: " : "To free it: ")
                    + report.published().stopCommand());
        }
    }

}
