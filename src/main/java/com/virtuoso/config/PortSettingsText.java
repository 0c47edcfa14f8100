package com.virtuoso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sets the port ({@code web_server.port}, or {@code server.port} where that is the key the file
 * uses) and {@code web_server.fallback_ports} in the text of a YAML file, leaving every other
 * byte as it was: comments, blank lines, key order, quotes, line endings. A missing key is added
 * at the top of its block; a missing block at the end.
 */
final class PortSettingsText {

    private static final Pattern WEB_SERVER_BLOCK = block("web[_-]server");

    private static final Pattern SERVER_BLOCK = block("server");

    private static final Pattern CHILD = Pattern.compile("^(\\s+)([\\w-]+)(\\s*:\\s*)(.*?)(\\s+#.*)?$");

    private static final Pattern ITEM = Pattern.compile("^(\\s+)-\\s.*$");

    private PortSettingsText() {
    }

    /**
     * {@code yaml} with the port set under {@code key} ({@code web-server.port} or
     * {@code server.port}), and the fallback ports when {@code fallbacks} is not null.
     */
    static String apply(String yaml, String key, int port, List<Integer> fallbacks) {
        String newline = yaml.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        boolean endsWithNewline = yaml.isEmpty() || yaml.endsWith("\n");
        if (fallbacks != null) {
            endsWithNewline |= set(lines, WEB_SERVER_BLOCK, "web_server", "fallback_ports",
                    fallbacks.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")));
        }
        endsWithNewline |= key.equals("server.port")
                ? set(lines, SERVER_BLOCK, "server", "port", Integer.toString(port))
                : set(lines, WEB_SERVER_BLOCK, "web_server", "port", Integer.toString(port));
        return String.join(newline, lines) + (endsWithNewline ? newline : "");
    }

    private static Pattern block(String name) {
        return Pattern.compile("^" + name + "\\s*:\\s*(#.*)?$");
    }

    /** Sets {@code key} in the block, which is added at the end when missing; whether it was added. */
    private static boolean set(List<String> lines, Pattern blockPattern, String blockName, String key, String value) {
        int block = findBlock(lines, blockPattern);
        boolean added = block < 0;
        if (added) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add(blockName + ":");
            block = lines.size() - 1;
        }
        set(lines, block, key, value);
        return added;
    }

    private static int findBlock(List<String> lines, Pattern blockPattern) {
        for (int i = 0; i < lines.size(); i++) {
            if (blockPattern.matcher(lines.get(i)).matches()) {
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
