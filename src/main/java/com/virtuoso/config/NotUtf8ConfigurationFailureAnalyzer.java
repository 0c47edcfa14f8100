package com.virtuoso.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names the config file that is not UTF-8, and the line of its first bad byte, where Spring's
 * YAML loader only says {@code MalformedInputException: Input length = 1}.
 */
class NotUtf8ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<CharacterCodingException> {

    /** Spring Boot's file locations, where an operator's YAML usually is. */
    private static final List<Path> USUAL_FILES = List.of(Path.of("config/application.yaml"),
            Path.of("config/application.yml"), Path.of("application.yaml"), Path.of("application.yml"));

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CharacterCodingException cause) {
        // the decoder's error does not name the file: find the usual file that is not UTF-8 (a file
        // that spring.config.location names is found by the ports commands, which name it)
        Optional<String> problem = USUAL_FILES.stream()
            .map(NotUtf8ConfigurationFailureAnalyzer::problem)
            .flatMap(Optional::stream)
            .findFirst();
        String description = problem.orElse("A config file is not UTF-8 text (" + cause + "), and Spring reads "
                + "config files as UTF-8. To find which: java -jar virtuoso.jar ports show-config, with the same "
                + "arguments and environment.");
        return new FailureAnalysis(description.replace(" Nothing was changed.", ""),
                "Save the config file as UTF-8. The server did not start.", cause);
    }

    private static Optional<String> problem(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            ConfigText.read(file);
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
