package com.virtuoso.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.UsageMessageSpec;

import com.virtuoso.config.InvalidConfigurationException;
import com.virtuoso.config.MalformedYamlException;
import com.virtuoso.config.PortSettingsFile;
import com.virtuoso.config.UnusableConfigFileException;
import com.virtuoso.state.StateDirectoryRefusedException;

/**
 * {@code java -jar target/virtuoso.jar ports ...}: the port manager, without starting the server.
 * <p>
 * Exit codes: 0 success or "yes", 1 the negative answer (the port is in use, no free port found),
 * 2 usage error, 70 unexpected failure, 78 invalid configuration (or a state directory that is not
 * used, for the commands that need it).
 */
public final class PortsCli {

    /** sysexits.h EX_SOFTWARE: a failure that is not the operator's doing. */
    static final int UNEXPECTED = 70;

    private static final String PORT_MANAGER_FLAGS_SECTION = "portManagerFlags";

    private PortsCli() {
    }

    /**
     * Sends Spring's logging nowhere, for a process that runs {@code ports} commands: the port
     * manager logs nothing (its warnings are part of its answers), no logging backend is looked for
     * (the Log4j API's costs 40 ms), and stdout stays for the answers. Before anything logs.
     */
    public static void logNowhere() {
        System.setProperty("org.apache.commons.logging.LogFactory", "org.apache.commons.logging.impl.LogFactoryImpl");
        System.setProperty("org.apache.commons.logging.Log", "org.apache.commons.logging.impl.NoOpLog");
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    /** Runs one {@code ports} command; returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.getenv());
    }

    /** Runs one {@code ports} command under the environment {@code variables}; returns its exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> variables) {
        return run(args, out, err, new PortsCommand(variables));
    }

    /** Runs one {@code ports} command as {@code ports} (its environment, its files); returns its exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, PortsCommand ports) {
        CommandLine commandLine = new CommandLine(ports);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(failureHandler());
        addPortManagerFlagsSection(commandLine);
        return commandLine.execute(PortManagerFlags.rewrite(args));
    }

    /** {@code ports --help} lists the old flags before the exit codes. */
    private static void addPortManagerFlagsSection(CommandLine commandLine) {
        List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
        sections.add(sections.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), PORT_MANAGER_FLAGS_SECTION);
        commandLine.setHelpSectionKeys(sections);
        commandLine.getHelpSectionMap().put(PORT_MANAGER_FLAGS_SECTION, (help) -> PortManagerFlags.help());
    }

    private static IExecutionExceptionHandler failureHandler() {
        return (failure, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int exitCode;
            if (failure instanceof InvalidConfigurationException invalid) {
                err.println(invalid.description());
                err.println(invalid.action());
                exitCode = InvalidConfigurationException.EXIT_CODE;
            }
            else if (failure instanceof MalformedYamlException malformed) {
                err.println(malformed.malformed().description());
                err.println(malformed.malformed().action() + " Nothing was changed.");
                exitCode = InvalidConfigurationException.EXIT_CODE;
            }
            else if (failure instanceof UnusableConfigFileException unusable) {
                err.println(unusable.getMessage());
                exitCode = UnusableConfigFileException.EXIT_CODE;
            }
            else if (failure instanceof LoadedConfig.MissingConfigFileException missing) {
                err.println(missing.getMessage());
                exitCode = InvalidConfigurationException.EXIT_CODE;
            }
            else if (failure instanceof StateDirectoryRefusedException refused) {
                err.println(refused.getMessage());
                exitCode = InvalidConfigurationException.EXIT_CODE;
            }
            else if (failure instanceof PortSettingsFile.UpdateRefusedException refused) {
                err.println(refused.getMessage());
                exitCode = PortSettingsFile.UpdateRefusedException.EXIT_CODE;
            }
            else {
                err.println("error: " + failure);
                exitCode = UNEXPECTED;
            }
            err.flush();
            return exitCode;
        };
    }

}
