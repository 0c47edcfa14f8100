package com.virtuoso.config;

import java.nio.file.Path;

import org.yaml.snakeyaml.constructor.ConstructorException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A config file that stops being YAML somewhere, told with its file, line and column.
 *
 * @param file the file as the operator knows it, such as {@code config/application.yaml}
 * @param failure the parser's error
 */
public record MalformedYaml(String file, MarkedYAMLException failure) {

    /** {@code line 4, column 8}, or empty when the parser did not say. */
    public String where() {
        Mark mark = failure.getProblemMark();
        return (mark != null) ? "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) : "";
    }

    public String description() {
        Mark mark = failure.getProblemMark();
        // the trading system's file holds other components' settings, secrets among them: never quote its lines
        return file + (isUnknownTag() ? " uses a YAML tag Spring does not read, at " : " is not valid YAML, at ")
                + where() + ": " + failure.getProblem()
                + ((mark != null && !isTradingConfig()) ? System.lineSeparator() + mark.get_snippet() : "");
    }

    public String action() {
        String fix = isUnknownTag()
                ? "Write the value itself in " + file + " at " + where() + ", without the tag; for an environment "
                        + "variable, Spring reads ${NAME} as it is."
                : "Fix " + file + " at " + where() + ": indent with spaces, write one key per line, and quote "
                        + "values that contain ':' or '#'.";
        return isTradingConfig() ? fix + " Virtuoso parses the whole file to find its web_server block; or move "
                + "that block into config/application.yaml." : fix;
    }

    /** Valid YAML with a tag ({@code !ENV ${KEY}}) that Spring's loader has no constructor for. */
    private boolean isUnknownTag() {
        return failure instanceof ConstructorException && failure.getProblem() != null
                && failure.getProblem().startsWith("could not determine a constructor for the tag");
    }

    private boolean isTradingConfig() {
        Path name = Path.of(file).getFileName();
        return name != null && name.equals(TradingConfigFile.DEFAULT.getFileName());
    }

}
