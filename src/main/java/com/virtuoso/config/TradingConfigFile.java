package com.virtuoso.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The {@code web_server} block of the trading system's {@code config/config.yaml}, where the
 * settings lived before {@code config/application.yaml}: a deployment that has not moved the block
 * keeps its port. It is read below {@code config/application.yaml} (and everything above that),
 * above the defaults. Only that block: the file's other sections belong to other components and
 * are never read, nor an error; a key Virtuoso does not know inside the block is a warning and
 * left out, not an error as in {@code config/application.yaml}, since an old key in a file
 * Virtuoso shares must not stop its start; the other sections are parsed as YAML but never built,
 * so their tags and duplicate keys are never an error. A file that is not YAML, not UTF-8 or not
 * readable stops the start (exit 78) as {@code config/application.yaml} would: its block may hold
 * the port, and a server started without it would listen where nobody configured it. Values keep their origin ({@code config/config.yaml, line 3, column 9}), so that
 * {@code show-config} names the file, and {@code update-config} and {@code auto-fix} edit it when
 * it supplies the port.
 * <p>
 * Applied by the server ({@link WebServerEnvironmentPostProcessor}) and by the {@code ports}
 * commands to the environment Spring's config data loading made, so both read it alike.
 */
public final class TradingConfigFile {

    /** Where the trading system keeps it: beside config/application.yaml, in the working directory. */
    public static final Path DEFAULT = Path.of("config", "config.yaml");

    private static final ConfigurationPropertyName BLOCK = ConfigurationPropertyName.of(ConfigKeys.PREFIX);

    /** The name of Spring's property sources for config files read from the class path (the built-in defaults). */
    private static final String BUILT_IN_SOURCE = "Config resource 'class path resource";

    private TradingConfigFile() {
    }

    /**
     * Adds the {@code web_server} block of {@code file}, when the file exists and has one, to
     * {@code environment}, below its config files and above the built-in ones.
     * @param warnings told each key left out, or why the file was not read
     * @return what the start says once: that the block was read, and how to move it; empty when
     * nothing was read
     */
    public static Optional<String> addTo(ConfigurableEnvironment environment, Path file, Consumer<String> warnings) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<OriginTrackedMapPropertySource> blocks = new ArrayList<>();
        for (PropertySource<?> document : documents(file)) {
            Map<String, Object> block = new LinkedHashMap<>();
            if (document.getSource() instanceof Map<?, ?> values) {
                values.forEach((key, value) -> {
                    ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key.toString(), '.');
                    if (BLOCK.isAncestorOf(name)) {
                        block.put(key.toString(), value);
                    }
                    else if (BLOCK.equals(name) && !String.valueOf(value).isEmpty()) {
                        warnings.accept(key + " (" + origin(value) + ") is a value, not a block of settings: it is "
                                + "left out. Fix: write the settings under it, one per line, such as web_server:"
                                + " then   port: 8000");
                    }
                });
            }
            if (!block.isEmpty()) {
                blocks.add(new OriginTrackedMapPropertySource(document.getName(), block));
            }
        }
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        leaveOutUnknownKeys(blocks, warnings);
        // in a file of several documents, as Spring reads one: a later document over an earlier one
        MutablePropertySources sources = environment.getPropertySources();
        String builtIn = sources.stream()
            .map(PropertySource::getName)
            .filter((name) -> name.startsWith(BUILT_IN_SOURCE))
            .findFirst()
            .orElse(null);
        for (OriginTrackedMapPropertySource block : blocks) {
            if (builtIn != null) {
                sources.addBefore(builtIn, block);
            }
            else {
                sources.addLast(block);
            }
            builtIn = block.getName();
        }
        return Optional.of("Read the web_server block of " + file + " (below config/application.yaml, which wins "
                + "where both set a key); its other sections are not read. To move it: cut the web_server: block "
                + "out of " + file + " and merge it into config/application.yaml.");
    }

    private static String origin(Object value) {
        Origin origin = (value instanceof OriginTrackedValue tracked) ? tracked.getOrigin() : null;
        return (origin != null) ? ConfigOrigins.describe(origin) : "config/config.yaml";
    }

    /**
     * The {@code web_server} entries of {@code file}, each read by Spring's YAML loader as if it
     * were the file (same lines and columns, so origins name the file's own), and nothing else of
     * it: the other sections are only parsed as YAML, never built, so another component's tags
     * ({@code !ENV}) or duplicate keys there are none of Virtuoso's business.
     * @throws MalformedYamlException when the file is not YAML, or its web_server block is not
     * what Spring reads, and {@link UnusableConfigFileException} when it is not UTF-8 or cannot be
     * read: the port may be in it, and a server started without it would listen where nobody
     * configured it
     */
    private static List<PropertySource<?>> documents(Path file) {
        String text;
        try {
            text = ConfigText.read(file);
        }
        catch (IOException ex) {
            throw new UnusableConfigFileException(file + " cannot be read (" + ex.getMessage() + "), and its "
                    + "web_server block may set the port. Fix: let this user read it (chmod o+r, or the group), or "
                    + "move the block into config/application.yaml.", ex);
        }
        List<PropertySource<?>> documents = new ArrayList<>();
        try {
            List<String> blocks = webServerEntries(text);
            for (int i = 0; i < blocks.size(); i++) {
                byte[] block = blocks.get(i).getBytes(StandardCharsets.UTF_8);
                documents.addAll(new YamlPropertySourceLoader().load(
                        "Config resource 'file [" + file + "]' (web_server block " + (i + 1) + ")", new FileSystemResource(file) {

                            @Override
                            public InputStream getInputStream() {
                                return new ByteArrayInputStream(block);
                            }

                        }));
            }
        }
        catch (MarkedYAMLException ex) {
            throw new MalformedYamlException(new MalformedYaml(file.toString(), ex));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex); // read from memory
        }
        return documents;
    }

    /**
     * The text of each top-level {@code web_server} entry of each YAML document in {@code text}
     * ({@code web_server:} blocks and dotted {@code web_server.port:} keys), each alone, at its
     * own lines and columns: spaces stand for the rest of the file. An entry that uses an anchor
     * of another top-level entry ({@code <<: *defaults}) comes with that entry, which the caller
     * then leaves out: the web_server keys are all it takes.
     * @throws MarkedYAMLException when {@code text} is not YAML
     */
    static List<String> webServerEntries(String text) {
        List<String> entries = new ArrayList<>();
        // composed, not constructed: no tag is resolved, no duplicate key refused and no alias
        // expanded outside the block (so no limit on aliases is needed here: the block itself is
        // read again by Spring's loader, with its limits)
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        for (Node document : new Yaml(options).composeAll(new StringReader(text))) {
            if (!(document instanceof MappingNode mapping)) {
                continue;
            }
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key && isWebServerKey(key.getValue())) {
                    List<NodeTuple> kept = new ArrayList<>(List.of(entry));
                    Set<Node> outside = nodesOutside(entry);
                    for (NodeTuple other : mapping.getValue()) {
                        if (other != entry && outside.stream().anyMatch((node) -> contains(other, node))) {
                            kept.add(other);
                        }
                    }
                    entries.add(keeping(text, kept));
                }
            }
        }
        return entries;
    }

    /** The nodes {@code entry} reaches through aliases that lie outside it. */
    private static Set<Node> nodesOutside(NodeTuple entry) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> outside = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> pending = new ArrayDeque<>(List.of(entry.getValueNode()));
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            if (!seen.add(node)) {
                continue; // a recursive structure
            }
            if (!contains(entry, node)) {
                outside.add(node);
            }
            if (node instanceof MappingNode map) {
                map.getValue().forEach((tuple) -> {
                    pending.push(tuple.getKeyNode());
                    pending.push(tuple.getValueNode());
                });
            }
            else if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(pending::push);
            }
        }
        return outside;
    }

    private static boolean contains(NodeTuple entry, Node node) {
        int index = node.getStartMark().getIndex();
        return index >= entry.getKeyNode().getStartMark().getIndex()
                && index < entry.getValueNode().getEndMark().getIndex();
    }

    /**
     * {@code text} with only the {@code entries} kept, every other character (but line breaks) a
     * space, so that what is kept stays at its lines and columns. The parser's marks count code
     * points, not Java chars: a character outside the BMP (an emoji in a comment) is one of each.
     */
    private static String keeping(String text, List<NodeTuple> entries) {
        boolean[] inside = new boolean[text.codePointCount(0, text.length())];
        for (NodeTuple entry : entries) {
            Arrays.fill(inside, entry.getKeyNode().getStartMark().getIndex(),
                    Math.min(entry.getValueNode().getEndMark().getIndex(), inside.length), true);
        }
        StringBuilder kept = new StringBuilder(text.length() + 1);
        int[] codePoints = text.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            int codePoint = codePoints[i];
            kept.appendCodePoint((inside[i] || codePoint == '\n' || codePoint == '\r') ? codePoint : ' ');
        }
        return kept.append('\n').toString();
    }

    private static boolean isWebServerKey(String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
        return BLOCK.equals(name) || BLOCK.isAncestorOf(name);
    }

    /**
     * Leaves the keys no web_server setting takes out of {@code blocks}, with a warning each: the
     * server's binding would refuse them. Invalid values of known keys stay, and are refused as
     * everywhere else.
     */
    private static void leaveOutUnknownKeys(List<OriginTrackedMapPropertySource> blocks, Consumer<String> warnings) {
        for (OriginTrackedMapPropertySource block : blocks) {
            Binder binder = new Binder(ConfigurationPropertySources.from(block));
            try {
                binder.bind(BLOCK, Bindable.of(WebServerProperties.class),
                        new NoUnboundElementsBindHandler(new IgnoreErrorsBindHandler()));
            }
            catch (BindException ex) {
                if (!(ex.getCause() instanceof UnboundConfigurationPropertiesException unbound)) {
                    throw new InvalidConfigurationException(ConfigProblems.of(ex), ex);
                }
                Set<ConfigurationPropertyName> unknown = unbound.getUnboundProperties()
                    .stream()
                    .map(ConfigurationProperty::getName)
                    .collect(Collectors.toSet());
                // one warning per key as the file writes it (a list's items are one key), in the file's order
                Map<String, Object> leftOut = new LinkedHashMap<>();
                block.getSource().entrySet().removeIf((entry) -> {
                    boolean isUnknown = unknown.contains(ConfigurationPropertyName.adapt(entry.getKey(), '.'));
                    if (isUnknown) {
                        leftOut.putIfAbsent(entry.getKey().replaceFirst("\\[\\d+]$", ""), entry.getValue());
                    }
                    return isUnknown;
                });
                leftOut.forEach((key, value) -> warnings.accept(key + " (" + origin(value) + ") is not a web_server "
                        + "setting: it is left out. Fix: remove it, or use one of: " + ConfigKeys.known()));
            }
        }
    }

}
