package com.virtuoso.config;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Names each bad key, its value, where it came from and what to write instead. Runs before Spring
 * Boot's own binding analyzers, which would describe the same failure less precisely.
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException>
        implements Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        String description = cause.problems()
            .stream()
            .map((problem) -> "  " + problem.key() + " = \"" + problem.value() + "\" (" + problem.origin() + "): "
                    + problem.reason())
            .collect(Collectors.joining(System.lineSeparator(), "Invalid configuration:" + System.lineSeparator(), ""));
        String action = cause.problems()
            .stream()
            .map((problem) -> Character.toUpperCase(problem.fix().charAt(0)) + problem.fix().substring(1) + ".")
            .distinct()
            .collect(Collectors.joining(System.lineSeparator()));
        return new FailureAnalysis(description, action, cause);
    }

}
