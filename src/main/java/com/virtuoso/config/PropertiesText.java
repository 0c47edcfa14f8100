package com.virtuoso.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The text of a {@code .properties} config file, read as Spring reads it: one character per byte
 * (ISO-8859-1), by Spring's own loader. The one thing that stops that loader, a malformed
 * {@code \}{@code uXXXX} escape, is told with the file and the line, where Spring says only
 * "Malformed \\uxxxx encoding." and names no file.
 */
public final class PropertiesText {

    /** How Spring reads a .properties file, and how an edited one is written back. */
    public static final Charset CHARSET = StandardCharsets.ISO_8859_1;

    /** Spring's loader, package-private: the class its errors are thrown from. */
    private static final String SPRING_LOADER = "org.springframework.boot.env.OriginTrackedPropertiesLoader";

    /** Where a line ends, as Spring's loader counts lines: after \n, or after a \r not followed by \n. */
    private static final Pattern LINE_END = Pattern.compile("(?<=\n)|(?<=\r)(?!\n)");

    private PropertiesText() {
    }

    /**
     * Reads {@code file} as Spring would.
     * @throws UnusableConfigFileException when Spring's loader cannot read it
     */
    public static void check(Path file) throws IOException {
        load(new String(Files.readAllBytes(file), CHARSET), file);
    }

    /**
     * Whether {@code failure} is Spring's properties loader refusing a file: it throws a bare
     * {@link IllegalStateException} that neither names the file nor has a type of its own, so it
     * is told by where it was thrown.
     */
    public static boolean isLoaderFailure(Throwable failure) {
        if (!(failure instanceof IllegalStateException)) {
            return false;
        }
        StackTraceElement[] stack = failure.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().startsWith(SPRING_LOADER);
    }

    /**
     * The documents of {@code text}, the content of {@code file}, as Spring reads them: empty ones
     * are not there.
     * @throws UnusableConfigFileException when Spring's loader cannot read it
     */
    static List<PropertySource<?>> load(String text, Path file) {
        try {
            return loadQuietly(text, file);
        }
        catch (IllegalArgumentException | IllegalStateException ex) {
            throw new UnusableConfigFileException(file + " cannot be read as properties: line " + failingLine(text, file)
                    + " holds a malformed \\uXXXX escape. Fix: write a character as \\u and four hex digits (\\u00e9, "
                    + "say), a backslash as \\\\. Nothing was changed.", ex);
        }
    }

    private static List<PropertySource<?>> loadQuietly(String text, Path file) {
        try {
            return new PropertiesPropertySourceLoader().load(file.toString(),
                    new ByteArrayResource(text.getBytes(CHARSET), file.toString()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex); // read from memory: never
        }
    }

    /**
     * The line (from 1) where Spring's loader stops: the last line of the shortest run of lines
     * from the start that it cannot read. Slow for a long file, but only for one that is broken.
     */
    private static int failingLine(String text, Path file) {
        String[] lines = LINE_END.split(text, -1);
        StringBuilder prefix = new StringBuilder();
        for (int line = 0; line < lines.length; line++) {
            prefix.append(lines[line]);
            try {
                loadQuietly(prefix.toString(), file);
            }
            catch (IllegalArgumentException | IllegalStateException ex) {
                return line + 1;
            }
        }
        return lines.length;
    }

}
