package com.virtuoso.config;

import java.nio.file.Path;

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
        return file + " is not valid YAML, at " + where() + ": " + failure.getProblem()
                + ((mark != null && !isTradingConfig()) ? System.lineSeparator() + mark.get_snippet() : "");
    }

    public String action() {
        String fix = "Fix " + file + " at " + where() + ": indent with spaces, write one key per line, and quote "
                + "values that contain ':' or '#'.";
        return isTradingConfig() ? fix + " Virtuoso parses the whole file to find its web_server block; or move "
                + "that block into config/application.yaml." : fix;
    }

    private boolean isTradingConfig() {
        Path name = Path.of(file).getFileName();
        return name != null && name.equals(TradingConfigFile.DEFAULT.getFileName());
    }

}
