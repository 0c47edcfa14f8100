package com.virtuoso.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import com.virtuoso.config.PortSettingsFile;
import com.virtuoso.config.PortSource;

/**
 * {@code ports update-config PORT}: set the port (and the fallback list) where the next start
 * will read it. The port is edited where it is set: the file and key that supply it
 * ({@code server.port} or {@code web_server.port}), or {@code web_server.port} in the config file
 * when nothing sets it. A port set on the command line or in an environment variable outranks
 * every file, so editing a file would change nothing the next start sees: the command then
 * names that origin and changes nothing.
 */
@Command(name = "update-config", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = { "Set the port (and with --fallback, web_server.fallback_ports) where the next start reads it: "
                + "the key that supplies it (server.port or web_server.port) in the file that sets it, or "
                + "web_server.port in the config file; a .properties file is edited as properties (key=value). Every "
                + "other line, comment and blank line stays as it was; a missing key is added. The file is replaced "
                + "atomically and the previous one kept as a timestamped <file>.<time>.bak (the last 5 are kept, an "
                + "old <file>.bak counting as the oldest); a malformed file is refused untouched. A symbolic link "
                + "stays a link (the file it points to is edited); mode, owner and group are kept. When the port "
                + "comes from the command line or an environment variable, nothing is changed.",
                "Exit 0 when updated, 1 when the port is set where this command does not edit, 2 for an invalid "
                        + "port, 78 for a malformed file." })
class UpdateConfigCommand extends ConfiguredCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PORT", description = "The new primary port, 1-65535.")
    int port;

    @Option(names = "--fallback", paramLabel = "P1,P2,...", split = ",",
            description = "The new fallback ports, in order (0: any free port the OS picks).")
    List<Integer> fallbacks;

    /**
     * The answer of {@code update-config --json}.
     *
     * @param done whether the file was changed
     * @param file the file edited, or {@code null} when none was
     * @param key the key that sets the port, as the YAML writes it
     * @param backup the copy of the previous file, or {@code null}
     * @param oldPort the port before, or {@code null} when the file did not set it
     * @param newPort the port asked for
     * @param message what was done, or why not
     */
    record Report(boolean done, Path file, String key, Path backup, Integer oldPort, int newPort, String message) {
    }

    @Override
    public Integer call() throws IOException {
        PortArgument.check(spec, "PORT", port);
        if (fallbacks != null) {
            for (int fallback : fallbacks) {
                if (fallback != 0) {
                    PortArgument.check(spec, "--fallback", fallback);
                }
            }
        }
        PortSource source = portSource();
        if (!source.isDefault() && !source.inFile()) {
            return report(new Report(false, null, source.displayKey(), null, null, port,
                    notEdited(source, "update-config", port)), 1);
        }
        Optional<String> unread = source.isDefault() ? unreadFileReason("update-config", port) : Optional.empty();
        if (unread.isPresent()) {
            return report(new Report(false, null, source.displayKey(), null, null, port, unread.get()), 1);
        }
        Path file = source.inFile() ? source.file() : config;
        PortSettingsFile.Change change = new PortSettingsFile(file).update(portKey(source), port, fallbacks,
                source.line());
        String message = "Set " + source.displayKey() + " to " + port + ((fallbacks != null)
                ? " and web_server.fallback_ports to " + fallbacks : "") + " in " + file
                + ((change.oldPort() != null) ? " (was " + change.oldPort() + ")" : "")
                + ((change.backup() != null) ? "; the previous file is " + change.backup() : "")
                + ". Restart the server to use it.";
        return report(new Report(true, change.file(), source.displayKey(), change.backup(), change.oldPort(), port,
                message), 0);
    }

    /** The canonical key to edit: the one that supplies the port, or ours when none does. */
    static String portKey(PortSource source) {
        return source.isDefault() ? "web-server.port" : source.key();
    }

    /**
     * Why a command that edits files cannot change a port set on the command line or in the
     * environment, and what to do instead.
     */
    static String notEdited(PortSource source, String command, int port) {
        String fix = source.origin().startsWith("environment variable ")
                ? "set " + source.origin().substring("environment variable ".length()) + "=" + port
                        + " where the server is started, or unset it and run " + command + " again"
                : "pass --" + source.displayKey() + "=" + port + " where the server is started";
        return "The port comes from " + source.origin() + " (as " + source.displayKey() + "), which outranks every "
                + "config file and which " + command + " does not edit: nothing was changed. Fix: " + fix + ".";
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

}
