package com.virtuoso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sets {@code web_server.port} and {@code web_server.fallback_ports} in the text of a YAML file,
 * leaving every other byte as it was: comments, blank lines, key order, quotes, line endings.
 * A missing key is added at the top of the {@code web_server} block; a missing block at the end.
 */
final class PortSettingsText {

    private static final Pattern BLOCK = Pattern.compile("^web[_-]server\\s*:\\s*(#.*)?$");

    private static final Pattern CHILD = Pattern.compile("^(\\s+)([\\w-]+)(\\s*:\\s*)(.*?)(\\s+#.*)?$");

    private static final Pattern ITEM = Pattern.compile("^(\\s+)-\\s.*$");

    private PortSettingsText() {
    }

    /**
     * {@code yaml} with the port set, and the fallback ports when {@code fallbacks} is not null.
     */
    static String apply(String yaml, int port, List<Integer> fallbacks) {
        String newline = yaml.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        boolean endsWithNewline = yaml.isEmpty() || yaml.endsWith("\n");
        int block = findBlock(lines);
        if (block < 0) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("web_server:");
            block = lines.size() - 1;
            endsWithNewline = true;
        }
        if (fallbacks != null) {
            set(lines, block, "fallback_ports", fallbacks.stream().map(String::valueOf)
                .collect(Collectors.joining(", ", "[", "]")));
        }
        set(lines, block, "port", Integer.toString(port));
        return String.join(newline, lines) + (endsWithNewline ? newline : "");
    }

    private static int findBlock(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (BLOCK.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    private static void set(List<String> lines, int block, String key, String value) {
        String indent = null; // the indentation of the block's direct children: deeper keys are not ours
        for (int i = block + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                break; // the next top-level key: the block has ended
            }
            Matcher child = CHILD.matcher(line);
            if (!child.matches()) {
                continue;
            }
            if (indent == null) {
                indent = child.group(1);
            }
            if (!child.group(1).equals(indent) || !child.group(2).replace('-', '_').equals(key)) {
                continue;
            }
            String old = child.group(4);
            String quoted = (old.startsWith("\"") || old.startsWith("'")) && !value.startsWith("[")
                    ? old.charAt(0) + value + old.charAt(0) : value;
            String separator = (old.isEmpty() && !child.group(3).endsWith(" ")) ? child.group(3) + " " : child.group(3);
            lines.set(i, child.group(1) + child.group(2) + separator + quoted
                    + ((child.group(5) != null) ? child.group(5) : ""));
            if (old.isEmpty()) {
                removeBlockItems(lines, i + 1, indent.length());
            }
            return;
        }
        lines.add(block + 1, ((indent != null) ? indent : "  ") + key + ": " + value);
    }

    /** A block-style list under the key: its "- item" lines give way to the flow-style value. */
    private static void removeBlockItems(List<String> lines, int first, int keyIndent) {
        while (first < lines.size()) {
            Matcher item = ITEM.matcher(lines.get(first));
            if (!item.matches() || item.group(1).length() < keyIndent) {
                return;
            }
            lines.remove(first);
        }
    }

}
