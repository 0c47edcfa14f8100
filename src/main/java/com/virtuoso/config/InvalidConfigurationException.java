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

}
