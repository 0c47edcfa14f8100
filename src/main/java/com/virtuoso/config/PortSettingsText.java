package com.virtuoso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sets the port ({@code web_server.port}, or {@code server.port} where that is the key the file
 * uses) and {@code web_server.fallback_ports} in the text of a YAML file, leaving every other
 * byte as it was: comments, blank lines, key order, quotes, line endings. A key set with a dotted
 * name at the top level ({@code server.port: 8000}, quoted or not) is set on that line; a missing
 * key is added at the top of its block; a missing block at the end.
 */
final class PortSettingsText {

    private static final Pattern WEB_SERVER_BLOCK = block("web[_-]server");

    private static final Pattern SERVER_BLOCK = block("server");

    private static final String WEB_SERVER = "web[_-]server";

    private static final Pattern CHILD = Pattern.compile("^(\\s+)([\\w-]+)(\\s*:\\s*)(.*?)(\\s+#.*)?$");

    private static final Pattern ITEM = Pattern.compile("^(\\s*)-\\s.*$");

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
            String list = fallbacks.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
            endsWithNewline |= set(lines, WEB_SERVER_BLOCK, dotted(WEB_SERVER, "fallback[_-]ports"), "web_server",
                    "fallback_ports", list);
        }
        String value = Integer.toString(port);
        endsWithNewline |= key.equals("server.port")
                ? set(lines, SERVER_BLOCK, dotted("server", "port"), "server", "port", value)
                : set(lines, WEB_SERVER_BLOCK, dotted(WEB_SERVER, "port"), "web_server", "port", value);
        return String.join(newline, lines) + (endsWithNewline ? newline : "");
    }

    private static Pattern block(String name) {
        return Pattern.compile("^" + name + "\\s*:\\s*(#.*)?$");
    }

    /** A top-level {@code block.key: value} line, the key quoted or not: groups as {@link #CHILD}'s. */
    private static Pattern dotted(String block, String key) {
        return Pattern.compile("^()([\"']?" + block + "\\." + key + "[\"']?)(\\s*:\\s*)(.*?)(\\s+#.*)?$");
    }

    /**
     * Sets {@code key} on its dotted line and in the block, where each is: Spring reads both, and
     * when both are there, the later one wins. When neither is, the key is added to the block,
     * which is added at the end when missing; whether the block was added.
     */
    private static boolean set(List<String> lines, Pattern blockPattern, Pattern dottedPattern, String blockName,
            String key, String value) {
        boolean dotted = false;
        for (int i = 0; i < lines.size(); i++) {
            Matcher line = dottedPattern.matcher(lines.get(i));
            if (line.matches()) {
                setValue(lines, i, line, value);
                dotted = true;
            }
        }
        int block = findBlock(lines, blockPattern);
        if (dotted && (block < 0 || child(lines, children(lines, block), key) < 0)) {
            return false;
        }
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
        List<Integer> children = children(lines, block);
        int line = child(lines, children, key);
        if (line >= 0) {
            Matcher child = CHILD.matcher(lines.get(line));
            if (child.matches()) {
                setValue(lines, line, child, value);
            }
            return;
        }
        Matcher first = children.isEmpty() ? null : CHILD.matcher(lines.get(children.get(0)));
        String indent = (first != null && first.matches()) ? first.group(1) : "  ";
        lines.add(block + 1, indent + key + ": " + value);
    }

    /** The line of {@code key} among the block's {@code children}, or -1. */
    private static int child(List<String> lines, List<Integer> children, String key) {
        for (int line : children) {
            Matcher child = CHILD.matcher(lines.get(line));
            if (child.matches() && child.group(2).replace('-', '_').equals(key)) {
                return line;
            }
        }
        return -1;
    }

    /** The lines of the block's direct children: deeper keys are not ours. */
    private static List<Integer> children(List<String> lines, int block) {
        List<Integer> children = new ArrayList<>();
        String indent = null;
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
            if (child.group(1).equals(indent)) {
                children.add(i);
            }
        }
        return children;
    }

    /**
     * Sets the value of the line {@code i} that {@code line} matched ({@link #CHILD}'s groups):
     * quotes, separator and comment stay; a block-style list under it gives way to the value.
     */
    private static void setValue(List<String> lines, int i, Matcher line, String value) {
        String old = line.group(4);
        String quoted = (old.startsWith("\"") || old.startsWith("'")) && !value.startsWith("[")
                ? old.charAt(0) + value + old.charAt(0) : value;
        String separator = (old.isEmpty() && !line.group(3).endsWith(" ")) ? line.group(3) + " " : line.group(3);
        String comment = (line.group(5) != null) ? line.group(5) : "";
        lines.set(i, line.group(1) + line.group(2) + separator + quoted + comment);
        if (old.isEmpty()) {
            removeBlockItems(lines, i + 1, line.group(1).length());
        }
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
