package com.virtuoso.cli;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The flags of the trading system's old {@code scripts/port_manager.py}, each the command it
 * became: {@code ports --check 8000} runs {@code ports check 8000}, with that command's options,
 * output and exit codes (and {@code kill}'s safety rules). The flag is rewritten to the command's
 * name before picocli parses, so each command keeps one definition of its options.
 */
final class PortManagerFlags {

    /**
     * One old flag.
     *
     * @param flag as port_manager.py took it
     * @param command the {@code ports} command it runs
     * @param arguments its arguments, for the help
     * @param note what an old script must add, or empty
     */
    record Flag(String flag, String command, String arguments, String note) {
    }

    static final List<Flag> FLAGS = List.of(new Flag("--show-config", "show-config", "", ""),
            new Flag("--check", "check", "PORT", ""),
            new Flag("--kill", "kill", "PORT", "without a terminal it needs --yes"),
            new Flag("--find-available", "find-available", "[PORT]", ""),
            new Flag("--update-config", "update-config", "PORT", ""),
            new Flag("--auto-fix", "auto-fix", "", "without a terminal it needs --yes"),
            new Flag("--list-virtuoso", "list-virtuoso", "", ""));

    private PortManagerFlags() {
    }

    /**
     * {@code args} with an old flag ({@code --check 8000}, or as argparse also took it,
     * {@code --check=8000}) replaced by its command, put first: argparse took the options of a
     * command before the flag too ({@code --json --check 8000}), and picocli takes a command's
     * options and parameters in any order after it. Arguments that start with a command
     * ({@code check 8000}) are left as they are.
     */
    static String[] rewrite(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-")) {
            return args;
        }
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            String argument = args[i];
            int equals = argument.indexOf('=');
            String name = (equals >= 0) ? argument.substring(0, equals) : argument;
            for (Flag flag : FLAGS) {
                if (flag.flag().equals(name)) {
                    Stream<String> command = (equals >= 0) ? Stream.of(flag.command(), argument.substring(equals + 1))
                            : Stream.of(flag.command());
                    return Stream.of(command, Arrays.stream(args, 0, i), Arrays.stream(args, i + 1, args.length))
                        .flatMap(Function.identity())
                        .toArray(String[]::new);
                }
            }
        }
        return args;
    }

    /** The section of {@code ports --help} that lists the old flags. */
    static String help() {
        String newline = System.lineSeparator();
        return FLAGS.stream()
            .map((flag) -> String.format("  %-26s = ports %s%s", (flag.flag() + " " + flag.arguments()).strip(),
                    (flag.command() + " " + flag.arguments()).strip(),
                    flag.note().isEmpty() ? "" : " (" + flag.note() + ")"))
            .collect(Collectors.joining(newline, newline + "port_manager.py compatible (the same options, output "
                    + "and exit codes as the command):" + newline, newline));
    }

}
