package com.virtuoso.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration has values the server cannot start with. Exit code 78 (EX_CONFIG).
 */
public class InvalidConfigurationException extends RuntimeException {

    /** sysexits.h EX_CONFIG: something was found in an unconfigured or misconfigured state. */
    public static final int EXIT_CODE = 78;

    private final List<ConfigProblem> problems;

    public InvalidConfigurationException(List<ConfigProblem> problems, Throwable cause) {
        super(problems.stream().map(ConfigProblem::describe).collect(Collectors.joining(System.lineSeparator())),
                cause);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Each bad key with its value, origin and reason, under a heading. */
    public String description() {
        return problems.stream()
            .map((problem) -> "  " + problem.key() + " = \"" + problem.value() + "\" (" + problem.origin() + "): "
                    + problem.reason())
            .collect(Collectors.joining(System.lineSeparator(), "Invalid configuration:" + System.lineSeparator(), ""));
    }

    /** What to write instead, one sentence per key. */
    public String action() {
        return problems.stream()
            .map((problem) -> Character.toUpperCase(problem.fix().charAt(0)) + problem.fix().substring(1) + ".")
            .distinct()
            .collect(Collectors.joining(System.lineSeparator()));
    }

}
