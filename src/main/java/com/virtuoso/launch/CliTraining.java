package com.virtuoso.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
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
 * names {@code STATE_DIR} as {@code web_server.state_dir}. Exits 0 when every command answered as
 * expected, 1 otherwise (the archive is then not worth keeping).
 */
public final class CliTraining {

    private CliTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CliTraining STATE_DIR");
            System.exit(2);
        }
        System.exit(train(Path.of(args[0])) ? 0 : 1);
    }

    /** Runs the commands against a port held here; whether each answered as it should. */
    static boolean train(Path stateDir) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(loopback, 0));
            String port = Integer.toString(held.getLocalPort());
            InstanceRegistry registry = new InstanceRegistry(StateDirectory.open(stateDir).requireUsable());
            long pid = ProcessHandle.current().pid();
            registry.register(new InstanceRecord(pid, Instant.now(), ProcessStart.ticks(pid).stream().boxed()
                .findFirst()
                .orElse(null), loopback.getHostAddress(), held.getLocalPort(), held.getLocalPort(),
                    BuildVersion.current().version(), Path.of("").toAbsolutePath().toString(), null));
            try {
                // 1: the port is in use (by this run, a registered server); 0: the others answer
                return run(1, "check", port) & run(1, "check", port, "--json") & run(0, "list")
                        & run(0, "list", "--json") & run(0, "show-config") & run(0, "find-available");
            }
            finally {
                registry.remove(pid);
            }
        }
    }

    private static boolean run(int expectedExitCode, String... args) {
        PrintWriter discarded = new PrintWriter(OutputStream.nullOutputStream());
        return PortsCli.run(args, discarded, discarded) == expectedExitCode;
    }

}
