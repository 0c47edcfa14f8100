package com.virtuoso.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.PropertySource;

/**
 * Sets the port ({@code server.port} or {@code web_server.port}, the key given) and
 * {@code web_server.fallback_ports} in the text of a {@code .properties} file, leaving every other
 * byte as it was: comments, blank lines, order, separators ({@code =}, {@code :}, blanks), line
 * endings. A value is replaced on the line Spring reads it from; a missing key gets a line after
 * the last setting of its document; indexed fallbacks ({@code fallback_ports[0]=...}) give way to
 * one comma-separated line. Spring's own loader reads the text before and after the edit: the
 * edit must set the values in the document that supplies the port and change no other setting of
 * any document, or nothing is written.
 * <p>
 * The text is the file's bytes read as ISO-8859-1, as Spring reads a {@code .properties} file:
 * one character per byte, so every byte the edit does not touch is written back as it was, UTF-8
 * comments included.
 */
final class PortSettingsProperties {

    private static final ConfigurationPropertyName FALLBACKS = ConfigurationPropertyName
        .of(ConfigKeys.PREFIX + ".fallback-ports");

    /** Where a line ends, as Spring's loader counts lines: after \n, or after a \r not followed by \n. */
    private static final Pattern LINE_END = Pattern.compile("(?<=\n)|(?<=\r)(?!\n)");

    /** Leading blanks, a key (escapes included), then its separator: blanks, at most one '=' or ':', blanks. */
    private static final Pattern KEY = Pattern
        .compile("^([ \\t\\f]*)((?:\\\\.|[^=: \\t\\f\\\\])+)([ \\t\\f]*[=:]?[ \\t\\f]*)");

    private PortSettingsProperties() {
    }

    /**
     * One change of whole lines: {@code [start, end)} replaced by {@code content} (its line end
     * is the old last line's), removed ({@code content} null), or {@code content} inserted before
     * {@code start} ({@code start == end}).
     */
    private record LineEdit(int start, int end, String content) {
    }

    /**
     * {@code text} with {@code key} ({@code server.port} or {@code web-server.port}) set to
     * {@code port}, and {@code web_server.fallback_ports} to {@code fallbacks} unless it is null,
     * in the document that holds {@code line} (0-based, the line of the value that supplies the
     * port) or the only one.
     * @throws UnusableConfigFileException when Spring cannot read the text, or it holds several
     * documents and none sets the port at {@code line}, or the edit would not set the values
     * alone (a key continued over two lines, say): the message gives the settings to write by hand
     */
    static PortSettingsFile.Edit apply(String text, String key, int port, List<Integer> fallbacks, Integer line,
            Path file) {
        ConfigurationPropertyName portName = ConfigurationPropertyName.of(key);
        List<PropertySource<?>> before = PropertiesText.load(text, file);
        int chosen = chosenDocument(before, portName, line, file);
        String fallbackValue = (fallbacks != null)
                ? fallbacks.stream().map(String::valueOf).collect(Collectors.joining(",")) : null;
        PortSettingsFile.Edit edit;
        try {
            edit = edit(text, before, chosen, portName, port, fallbackValue);
        }
        catch (IllegalStateException ex) {
            throw cannotEdit(file, portName, port, fallbackValue, ex.getMessage(), ex);
        }
        if (!setAlone(before, chosen, PropertiesText.load(edit.text(), file), portName, port, fallbackValue)) {
            throw cannotEdit(file, portName, port, fallbackValue, "Spring would read it differently, as a key or "
                    + "value continued on the next line by a trailing backslash can make it", null);
        }
        return edit;
    }

    /** The edit, not yet checked: the port (and the list) set in the document {@code chosen} of {@code before}. */
    private static PortSettingsFile.Edit edit(String text, List<PropertySource<?>> before, int chosen,
            ConfigurationPropertyName portName, int port, String fallbackValue) {
        IterableConfigurationPropertySource document = before.isEmpty() ? null : settings(before.get(chosen));
        List<String> lines = lines(text);
        int afterLastSetting = afterLastSetting(lines, document);
        List<LineEdit> edits = new ArrayList<>();
        ConfigurationProperty portProperty = (document != null) ? document.getConfigurationProperty(portName) : null;
        Integer oldPort = null;
        if (portProperty != null) {
            oldPort = asPort(portProperty.getValue());
            edits.add(setValue(lines, setting(lines, portProperty), Integer.toString(port)));
        }
        else {
            edits.add(new LineEdit(afterLastSetting, afterLastSetting,
                    ConfigKeys.display(portName.toString()) + "=" + port));
        }
        if (fallbackValue != null) {
            edits.addAll(setFallbacks(lines, document, fallbackValue, afterLastSetting));
        }
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        edits.sort(Comparator.comparingInt(LineEdit::start).thenComparingInt(LineEdit::end).reversed());
        for (LineEdit edit : edits) {
            apply(lines, edit, newline);
        }
        return new PortSettingsFile.Edit(String.join("", lines), oldPort);
    }

    /**
     * An edit this class cannot make safely: nothing was written, and the operator gets the
     * settings to write by hand.
     */
    private static UnusableConfigFileException cannotEdit(Path file, ConfigurationPropertyName portName, int port,
            String fallbackValue, String why, Throwable cause) {
        String key = ConfigKeys.display(portName.toString());
        String settings = key + "=" + port
                + ((fallbackValue != null) ? " and " + ConfigKeys.display(FALLBACKS.toString()) + "=" + fallbackValue
                        : "");
        return new UnusableConfigFileException("Cannot set " + key + " to " + port + " in " + file
                + " by editing its lines: " + why + ". Fix: set " + settings + " in " + file
                + " by hand. Nothing was changed.", cause);
    }

    /**
     * The list as one line: its own line, or the first indexed item's, or a new line; other items
     * go. {@code key[]=a,b} gives items {@code [0]} and {@code [1]} on one line: each line counts once.
     */
    private static List<LineEdit> setFallbacks(List<String> lines, IterableConfigurationPropertySource document,
            String value, int afterLastSetting) {
        List<LineEdit> edits = new ArrayList<>();
        ConfigurationProperty listed = (document != null) ? document.getConfigurationProperty(FALLBACKS) : null;
        Map<Integer, int[]> itemLines = new TreeMap<>();
        if (document != null) {
            document.stream()
                .filter(FALLBACKS::isParentOf)
                .map((item) -> setting(lines, document.getConfigurationProperty(item)))
                .forEach((range) -> itemLines.putIfAbsent(range[0], range));
        }
        int[] replaced = (listed != null) ? setting(lines, listed)
                : itemLines.values().stream().findFirst().orElse(null);
        if (replaced == null) {
            edits.add(new LineEdit(afterLastSetting, afterLastSetting,
                    ConfigKeys.display(FALLBACKS.toString()) + "=" + value));
            return edits;
        }
        edits.add((listed != null) ? setValue(lines, replaced, value)
                : new LineEdit(replaced[0], replaced[1], ConfigKeys.display(FALLBACKS.toString()) + "=" + value));
        itemLines.remove(replaced[0]); // rewritten above: removing it too would take the new line with it
        itemLines.values().forEach((item) -> edits.add(new LineEdit(item[0], item[1], null)));
        return edits;
    }

    /** The key and separator of the setting on the lines {@code range} as they were, then {@code value}. */
    private static LineEdit setValue(List<String> lines, int[] range, String value) {
        Matcher key = KEY.matcher(withoutLineEnd(lines.get(range[0])));
        if (!key.find()) {
            throw new IllegalStateException("no key on line " + (range[0] + 1));
        }
        String separator = key.group(3).isEmpty() ? "=" : key.group(3);
        return new LineEdit(range[0], range[1], key.group(1) + key.group(2) + separator + value);
    }

    private static void apply(List<String> lines, LineEdit edit, String newline) {
        if (edit.start() == edit.end()) {
            int before = edit.start() - 1;
            if (before >= 0 && lineEnd(lines.get(before)).isEmpty()) {
                lines.set(before, lines.get(before) + newline); // the last line had no line end
            }
            lines.add(edit.start(), edit.content() + newline);
            return;
        }
        String lineEnd = lineEnd(lines.get(edit.end() - 1));
        lines.subList(edit.start(), edit.end()).clear();
        if (edit.content() != null) {
            lines.add(edit.start(), edit.content() + lineEnd);
        }
    }

    /** The line after the last setting of {@code document}, or the end when it has none. */
    private static int afterLastSetting(List<String> lines, IterableConfigurationPropertySource document) {
        if (document == null) {
            return lines.size();
        }
        return document.stream()
            .map((name) -> setting(lines, document.getConfigurationProperty(name))[1])
            .max(Integer::compare)
            .orElse(lines.size());
    }

    /**
     * The physical lines {@code [start, end)} of the logical line that holds {@code line}: a line
     * ending in an odd number of backslashes continues on the next, unless it is a comment.
     */
    private static int[] logicalLine(List<String> lines, int line) {
        int start = 0;
        while (start < lines.size()) {
            String first = withoutLineEnd(lines.get(start)).stripLeading();
            int end = start + 1;
            if (!first.startsWith("#") && !first.startsWith("!")) {
                while (end < lines.size() && continues(lines.get(end - 1))) {
                    end++;
                }
            }
            if (line < end) {
                return new int[] { start, end };
            }
            start = end;
        }
        throw new IllegalStateException("no line " + (line + 1));
    }

    private static boolean continues(String line) {
        String content = withoutLineEnd(line);
        int backslashes = 0;
        for (int i = content.length() - 1; i >= 0 && content.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The lines of {@code text}, each with its line end. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(LINE_END.split(text, -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String lineEnd(String line) {
        if (line.endsWith("\r\n")) {
            return "\r\n";
        }
        return (line.endsWith("\n") || line.endsWith("\r")) ? line.substring(line.length() - 1) : "";
    }

    private static String withoutLineEnd(String line) {
        return line.substring(0, line.length() - lineEnd(line).length());
    }

    private static int chosenDocument(List<PropertySource<?>> documents, ConfigurationPropertyName portName,
            Integer line, Path file) {
        if (documents.size() <= 1) {
            return 0;
        }
        for (int i = 0; line != null && i < documents.size(); i++) {
            ConfigurationProperty port = settings(documents.get(i)).getConfigurationProperty(portName);
            if (port != null && lineOf(port) == line) {
                return i;
            }
        }
        throw new UnusableConfigFileException(file + " holds " + documents.size() + " documents (separated by #---), "
                + "and none of them sets the port, so which one to edit would be a guess. Fix: set the port by hand "
                + "in the document the server uses. Nothing was changed.");
    }

    /**
     * Whether the edit did exactly what was asked: the same documents, the port (and the list) set
     * in the chosen one, every other setting of every document as it was.
     */
    private static boolean setAlone(List<PropertySource<?>> before, int chosen, List<PropertySource<?>> after,
            ConfigurationPropertyName portName, int port, String fallbacks) {
        boolean done = after.size() == Math.max(before.size(), 1);
        for (int i = 0; done && i < after.size(); i++) {
            Map<ConfigurationPropertyName, Object> was = (i < before.size()) ? values(settings(before.get(i)))
                    : new HashMap<>();
            Map<ConfigurationPropertyName, Object> now = values(settings(after.get(i)));
            if (i == chosen) {
                done = String.valueOf(port).equals(String.valueOf(now.remove(portName)).strip());
                was.remove(portName);
                if (fallbacks != null) {
                    done &= fallbacks.equals(now.remove(FALLBACKS));
                    was.keySet().removeIf((name) -> name.equals(FALLBACKS) || FALLBACKS.isParentOf(name));
                }
            }
            done &= was.equals(now);
        }
        return done;
    }

    private static Map<ConfigurationPropertyName, Object> values(IterableConfigurationPropertySource settings) {
        Map<ConfigurationPropertyName, Object> values = new HashMap<>();
        settings.stream().forEach((name) -> values.put(name, settings.getConfigurationProperty(name).getValue()));
        return values;
    }

    private static IterableConfigurationPropertySource settings(PropertySource<?> document) {
        return (IterableConfigurationPropertySource) Objects.requireNonNull(ConfigurationPropertySource.from(document));
    }

    /**
     * The lines {@code [start, end)} of the setting: the logical line where Spring read its value.
     * Spring places an empty value ({@code key=} at the end of a line) on the next line, at or
     * before its start, where no value of a line's own can start: its setting is the line before.
     */
    private static int[] setting(List<String> lines, ConfigurationProperty property) {
        TextResourceOrigin.Location location = location(property);
        int line = location.getLine();
        if (line > 0 && (line >= lines.size() || (location.getColumn() <= 0 && logicalLine(lines, line)[0] == line))) {
            line--;
        }
        return logicalLine(lines, line);
    }

    /** The line (from 0) Spring read the value from, as {@link PortSource#line()} tells it. */
    private static int lineOf(ConfigurationProperty property) {
        return location(property).getLine();
    }

    private static TextResourceOrigin.Location location(ConfigurationProperty property) {
        for (Origin origin = property.getOrigin(); origin != null; origin = origin.getParent()) {
            if (origin instanceof PropertySourceOrigin wrapper && wrapper.getOrigin() != null) {
                origin = wrapper.getOrigin();
            }
            if (origin instanceof TextResourceOrigin text && text.getLocation() != null) {
                return text.getLocation();
            }
        }
        throw new IllegalStateException("no line for " + property.getName());
    }

    private static Integer asPort(Object value) {
        try {
            return Integer.valueOf(String.valueOf(value).strip());
        }
        catch (NumberFormatException ex) {
            return null; // a placeholder such as ${PORT}: there is no number to report
        }
    }

}
