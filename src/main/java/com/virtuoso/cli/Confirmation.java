package com.virtuoso.cli;

import java.io.Console;
import java.io.PrintWriter;

import picocli.CommandLine.Option;

/**
 * How {@code kill} and {@code auto-fix} get the operator's consent: {@code --yes}, or "y" typed
 * on a terminal; never without a terminal to ask, never in a dry run.
 */
final class Confirmation {

    @Option(names = { "-y", "--yes" }, description = "Do not ask: needed when there is no terminal.")
    boolean yes;

    @Option(names = "--dry-run", description = "Show the plan, change nothing.")
    boolean dryRun;

    /**
     * Whether the operator agrees to {@code action}.
     * @param action what will be done, such as "stop 2 process(es)"
     * @param showPlan prints the details, right before the question on a terminal
     * @param err where to say why nothing will be done without a terminal
     */
    boolean granted(String action, Runnable showPlan, PrintWriter err) {
        if (dryRun) {
            return false;
        }
        if (yes) {
            return true;
        }
        Console console = System.console();
        if (console == null) {
            err.println("Refusing to " + action + " without confirmation: there is no terminal to ask. Pass --yes "
                    + "to confirm, or --dry-run to see the plan.");
            err.flush();
            return false;
        }
        showPlan.run();
        String answer = console.readLine("%s? [y/N] ", Character.toUpperCase(action.charAt(0)) + action.substring(1));
        return answer != null && answer.trim().equalsIgnoreCase("y");
    }

}
