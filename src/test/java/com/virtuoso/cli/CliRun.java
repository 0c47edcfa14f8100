package com.virtuoso.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

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

}
