package com.virtuoso.cli;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ports find-available [START]}: the first free ports at or after START.
 */
@Command(name = "find-available", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "Print the first free port(s) at or after START (default: web_server.port), one per line, "
                + "numbers alone, for scripts. Ports in the OS ephemeral range are skipped unless --max reaches "
                + "into it. A COUNT larger than the range is capped to it, with a warning.",
                "Exit 0 when COUNT ports were found, 1 when fewer, 2 for a bad argument (an unresolvable --host)." })
class FindAvailableCommand extends ConfiguredCommand implements Callable<Integer> {

    @Parameters(paramLabel = "START", arity = "0..1", description = "First port to try (default: web_server.port).")
    Integer start;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "How many ports (default: 1).")
    int count;

    @Option(names = "--max", paramLabel = "M",
            description = "Last port to try (default: the port before the OS ephemeral range, or 65535 above it).")
    Integer max;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to check instead of web_server.host.")
    String host;

    /**
     * The answer of {@code find-available --json}.
     *
     * @param host the address checked
     * @param ports the free ports found, in order
     */
    record Report(String host, List<Integer> ports) {
    }

    @Override
    public Integer call() throws Exception {
        LoadedConfig config = loadConfig();
        printWarnings(config);
        PortTools tools = PortTools.of(config);
        int first = (start != null) ? start : Math.max(1, config.primaryPort());
        PortArgument.check(spec, "START", first);
        int ephemeral = tools.privileges().ephemeralFirst();
        int last = (max != null) ? max : (first < ephemeral) ? ephemeral - 1 : 65535;
        PortArgument.check(spec, "--max", last);
        if (count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be 1 or more");
        }
        if (last < first) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max " + last + " is below the first port " + first + "; pass a --max of " + first + " or more");
        }
        int wanted = Math.min(count, last - first + 1);
        if (wanted < count) {
            err().println("warning: --count " + count + " is more than the " + wanted + " port(s) from " + first
                    + " to " + last + "; looking for " + wanted);
            err().flush();
        }
        InetAddress address = (host != null) ? HostArgument.resolve(spec, host) : config.host();
        List<Integer> found = new ArrayList<>();
        for (int port = first; port <= last && found.size() < wanted; port++) {
            if (tools.probe().isFree(address, port)) {
                found.add(port);
            }
        }
        if (json) {
            printJson(new Report(address.getHostAddress(), found));
        }
        else {
            found.forEach(out()::println);
        }
        if (found.size() < wanted) {
            err().println("Found " + found.size() + " free port(s) of " + wanted + " between " + first + " and " + last
                    + " on " + address.getHostAddress() + "; "
                    + ((last < 65535) ? "widen the range with --max" : "start lower, or free some of these ports"));
            err().flush();
            return 1;
        }
        return 0;
    }

}
