package com.virtuoso.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Points at the file, line and column where a config file stops being YAML.
 */
class MalformedConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MarkedYAMLException> {

    /** Spring Boot's file locations, where an operator's YAML usually is, and the trading system's file. */
    private static final List<Path> USUAL_FILES = List.of(Path.of("config/application.yaml"),
            Path.of("config/application.yml"), Path.of("application.yaml"), Path.of("application.yml"),
            TradingConfigFile.DEFAULT);

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MarkedYAMLException cause) {
        MalformedYamlException named = findCause(rootFailure, MalformedYamlException.class);
        MalformedYaml malformed = (named != null) ? named.malformed() : new MalformedYaml(fileOf(cause), cause);
        return new FailureAnalysis(malformed.description(), malformed.action() + " The server did not start.", cause);
    }

    /** The parser's error does not name the file: the usual file that fails at the same place. */
    private static String fileOf(MarkedYAMLException cause) {
        Mark mark = cause.getProblemMark();
        return USUAL_FILES.stream()
            .filter((path) -> failsAt(path, mark))
            .findFirst()
            .map(Path::toString)
            .orElse("A config file");
    }

    private static boolean failsAt(Path file, Mark mark) {
        if (mark == null || !Files.isRegularFile(file)) {
            return false;
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader).forEach((document) -> {
            });
            return false;
        }
        catch (MarkedYAMLException ex) {
            return Optional.ofNullable(ex.getProblemMark())
                .map((found) -> found.getLine() == mark.getLine() && found.getColumn() == mark.getColumn())
                .orElse(false);
        }
        catch (IOException | RuntimeException ex) {
            return false;
        }
    }

}
