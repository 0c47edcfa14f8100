package com.virtuoso.cli;

import java.util.Arrays;
import java.util.List;
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
     * {@code args} with an old flag in first place ({@code --check 8000}, or as argparse also took
     * it, {@code --check=8000}) replaced by its command; other arguments as they are.
     */
    static String[] rewrite(String[] args) {
        if (args.length == 0) {
            return args;
        }
        String first = args[0];
        int equals = first.indexOf('=');
        String name = (equals >= 0) ? first.substring(0, equals) : first;
        for (Flag flag : FLAGS) {
            if (flag.flag().equals(name)) {
                Stream<String> command = (equals >= 0) ? Stream.of(flag.command(), first.substring(equals + 1))
                        : Stream.of(flag.command());
                return Stream.concat(command, Arrays.stream(args, 1, args.length)).toArray(String[]::new);
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
