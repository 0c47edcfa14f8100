package com.virtuoso.cli;

import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

import com.virtuoso.config.TradingConfigFile;
import com.virtuoso.launch.BuildVersion;

/**
 * The {@code ports} command and its subcommands.
 */
@Command(name = "ports", mixinStandardHelpOptions = true,
        versionProvider = PortsCommand.Version.class,
        description = "Port manager of the Virtuoso server: find, check and free its ports.",
        subcommands = { ShowConfigCommand.class, CheckCommand.class, FindAvailableCommand.class, KillCommand.class,
                UpdateConfigCommand.class, AutoFixCommand.class,
                ListCommand.class },
        footer = { "", "Exit codes: 0 yes/success, 1 no (port in use, none free), 2 usage error, 70 unexpected failure, "
                + "77 refused for safety, "
                + "78 invalid configuration or unusable state directory." })
class PortsCommand {

    private final Map<String, String> variables;

    private final Path tradingConfig;

    /**
     * @param variables the environment variables the commands read, as the server would read them
     * at start; {@link System#getenv()} but in tests
     */
    PortsCommand(Map<String, String> variables) {
        this(variables, TradingConfigFile.DEFAULT);
    }

    /**
     * @param variables as above
     * @param tradingConfig the trading system's config file, whose web_server block the server
     * reads too: {@code config/config.yaml} but in tests
     */
    PortsCommand(Map<String, String> variables, Path tradingConfig) {
        this.variables = Map.copyOf(variables);
        this.tradingConfig = tradingConfig;
    }

    Map<String, String> variables() {
        return variables;
    }

    Path tradingConfig() {
        return tradingConfig;
    }

    /** {@code --version}: the build's version, as the server's {@code --version} prints it. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] { BuildVersion.current().describe() };
        }

    }

}
