package com.virtuoso.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Names the {@code .properties} config file with a malformed {@code \}{@code uXXXX} escape, and its
 * line, where Spring's loader only says "Malformed \\uxxxx encoding." and the start ends in a stack
 * trace.
 */
class MalformedPropertiesFailureAnalyzer implements FailureAnalyzer {

    /** Spring Boot's file locations, where an operator's .properties file usually is. */
    private static final List<Path> USUAL_FILES = List.of(Path.of("config/application.properties"),
            Path.of("application.properties"));

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (PropertiesText.isLoaderFailure(cause)) {
                return analysis(cause);
            }
        }
        return null;
    }

    private static FailureAnalysis analysis(Throwable cause) {
        // the loader's error does not name the file: find the usual file it cannot read (a file
        // that spring.config.location names is found by the ports commands, which name it)
        String description = USUAL_FILES.stream()
            .map(MalformedPropertiesFailureAnalyzer::problem)
            .flatMap(Optional::stream)
            .findFirst()
            .orElse("A .properties config file holds a malformed \\uXXXX escape (" + cause.getMessage() + "). To find "
                    + "which: java -jar virtuoso.jar ports show-config, with the same arguments and environment.");
        return new FailureAnalysis(description.replaceFirst(" Fix: .*", ""), "Write a character as \\u and four hex "
                + "digits (\\u00e9, say), a backslash as \\\\. The server did not start.", cause);
    }

    private static Optional<String> problem(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            PropertiesText.check(file);
            return Optional.empty();
        }
        catch (UnusableConfigFileException ex) {
            return Optional.of(ex.getMessage());
        }
        catch (IOException ex) {
            // unreadable for another reason: not the file this failure is about
            return Optional.empty();
        }
    }

}
