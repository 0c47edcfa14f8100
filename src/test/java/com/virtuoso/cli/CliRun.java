package com.virtuoso.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import picocli.CommandLine;

/**
 * One {@code ports} command run in the test's JVM: its exit code, stdout and stderr.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        return in(System.getenv(), args);
    }

    /** The command run with {@code variables} as its environment instead of the test's. */
    static CliRun in(Map<String, String> variables, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = PortsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), variables);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** The command run with {@code tradingConfig} as the trading system's config/config.yaml. */
    static CliRun withTradingConfig(Path tradingConfig, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = PortsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                new PortsCommand(System.getenv(), tradingConfig));
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /**
     * The command run as a subcommand of ports, as it runs, with {@code tools} (a fake
     * {@code /proc}, a classifier of the test's own) given to the commands that look at ports.
     */
    static CliRun withTools(PortTools tools, String... args) {
        Function<LoadedConfig, PortTools> toolsOf = (loaded) -> tools;
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                Object command = (type == KillCommand.class) ? new KillCommand(toolsOf)
                        : (type == CheckCommand.class) ? new CheckCommand(toolsOf)
                        : (type == AutoFixCommand.class) ? new AutoFixCommand(toolsOf)
                        : CommandLine.defaultFactory().create(type);
                return type.cast(command);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new PortsCommand(System.getenv()), factory);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return new CliRun(command.execute(args), out.toString(), err.toString());
    }

}
