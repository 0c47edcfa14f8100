package com.virtuoso.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;

import com.virtuoso.cli.PortsCli;
import com.virtuoso.instances.InstanceRecord;
import com.virtuoso.instances.InstanceRegistry;
import com.virtuoso.ports.ProcessStart;
import com.virtuoso.state.StateDirectory;

/**
 * The training run behind the port manager's class-data archive (see {@code bin/virtuoso}): runs
 * the commands an operator types most, their answers discarded, so that the archive holds the
 * classes each of them loads. A dynamic archive holds only the classes its one run loaded, and a
 * check of a free port never looks for a holder, reads the instance registry or writes JSON: a
 * check of a port in use (the usual question) would load those few hundred classes from the jar
 * every time. So this run holds a loopback port of its own (picked by the system) and registers
 * itself in the throwaway state directory it is given, as a server would, and checks that port.
 * <p>
 * Usage: {@code java -XX:ArchiveClassesAtExit=cli.jsa -cp virtuoso.jar
 * com.virtuoso.launch.CliTraining STATE_DIR}, in a directory whose {@code config/application.yaml}
 * names {@code STATE_DIR} as {@code web_server.state_dir} and {@code 127.0.0.1} as its host. A
 * command that answers otherwise than expected, or a port or record this run cannot make, is told
 * on stderr (the launcher keeps it in {@code cli.log}) and the run goes on: the archive then holds
 * fewer classes, and is still worth more than none. Exits 0, but 2 on a usage error.
 */
public final class CliTraining {

    private CliTraining() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CliTraining STATE_DIR");
            System.exit(2);
        }
        PortsCli.logNowhere(); // as VirtuosoApplication does for ports: the archive holds what it loads
        train(Path.of(args[0]), new PrintWriter(System.err, true));
        System.exit(0);
    }

    /** Runs the commands, against a port held here when it can be; tells {@code report} what went otherwise. */
    static void train(Path stateDir, PrintWriter report) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(loopback, 0));
            String port = Integer.toString(held.getLocalPort());
            long pid = ProcessHandle.current().pid();
            InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(stateDir).requireUsable());
            registry.register(new InstanceRecord(pid, Instant.now(),
                    ProcessStart.ticks(pid).stream().boxed().findFirst().orElse(null), loopback.getHostAddress(),
                    held.getLocalPort(), held.getLocalPort(), BuildVersion.current().version(),
                    Path.of("").toAbsolutePath().toString(), null));
            try {
                // 1: the port is in use, by this run, a registered server
                run(report, 1, "check", port);
                run(report, 1, "check", port, "--json");
                run(report, 0, "list", "--json");
                // 1: the one port it may try is the held one, so it binds nothing of anyone's
                run(report, 1, "find-available", port, "--max", port);
            }
            finally {
                registry.remove(pid);
            }
        }
        catch (IOException | RuntimeException ex) {
            report.println("training: no port or registry record of its own (" + ex + "): the archive will not hold "
                    + "what checking a port in use loads");
        }
        run(report, 0, "list");
        run(report, 0, "show-config");
    }

    private static void run(PrintWriter report, int expectedExitCode, String... args) {
        StringWriter err = new StringWriter();
        int exitCode = PortsCli.run(args, new PrintWriter(OutputStream.nullOutputStream()), new PrintWriter(err));
        if (exitCode != expectedExitCode) {
            report.println("training: ports " + String.join(" ", args) + " exited " + exitCode + ", not "
                    + expectedExitCode + ": " + err.toString().strip());
        }
    }

}
