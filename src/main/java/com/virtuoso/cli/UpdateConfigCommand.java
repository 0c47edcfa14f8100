package com.virtuoso.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import com.virtuoso.config.PortSettingsFile;

/**
 * {@code ports update-config PORT}: set the port (and the fallback list) in the config file.
 */
@Command(name = "update-config", mixinStandardHelpOptions = true,
        description = { "Set web_server.port (and with --fallback, web_server.fallback_ports) in the config file. "
                + "Every other line, comment and blank line stays as it was; a missing key is added under "
                + "web_server. The file is replaced atomically and the previous one kept as <file>.bak; a malformed "
                + "file is refused untouched. A symbolic link stays a link (the file it points to is edited); "
                + "mode, owner and group are kept.", "Exit 0 when updated, 2 for an invalid port, 78 for a malformed file." })
class UpdateConfigCommand extends ConfiguredCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PORT", description = "The new primary port, 1-65535.")
    int port;

    @Option(names = "--fallback", paramLabel = "P1,P2,...", split = ",",
            description = "The new fallback ports, in order (0: any free port the OS picks).")
    List<Integer> fallbacks;

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
        PortSettingsFile.Change change = new PortSettingsFile(config).update(port, fallbacks);
        if (json) {
            printJson(change);
        }
        else {
            out().println("Set web_server.port to " + port + ((fallbacks != null) ? " and fallback_ports to "
                    + fallbacks : "") + " in " + config + ((change.oldPort() != null) ? " (was " + change.oldPort()
                    + ")" : "") + ((change.backup() != null) ? "; the previous file is " + change.backup() : ""));
            out().println("Restart the server to use it.");
        }
        return 0;
    }

}
