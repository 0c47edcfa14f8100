package com.virtuoso.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One {@code ports} command run in the test's JVM: its exit code, stdout and stderr.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = PortsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(exitCode, out.toString(), err.toString());
    }

}
