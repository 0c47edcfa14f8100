package com.virtuoso.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import org.springframework.beans.factory.config.YamlProcessor;
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
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

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
     * The {@code web_server} entries of {@code file}, one property source per YAML document that
     * has some, built as Spring's YAML loader builds a file (same values, names, and origins with
     * the file's own lines and columns), and nothing else of it: the document is composed whole
     * (so anchors of other sections resolve), but only the web_server entries are constructed, so
     * another component's tags ({@code !ENV}) or duplicate keys elsewhere are none of Virtuoso's business.
     * @throws MalformedYamlException when the file is not YAML, or its web_server entries are not
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
            WebServerEntries entries = new WebServerEntries(new FileSystemResource(file));
            for (Node document : entries.yaml().composeAll(new StringReader(text))) {
                Map<String, Object> values = entries.construct(document);
                if (!values.isEmpty()) {
                    documents.add(new OriginTrackedMapPropertySource("Config resource 'file [" + file
                            + "]' (web_server block " + (documents.size() + 1) + ")", values));
                }
            }
        }
        catch (MarkedYAMLException ex) {
            throw new MalformedYamlException(new MalformedYaml(file.toString(), ex));
        }
        catch (RuntimeException | StackOverflowError ex) {
            // a value YAML cannot build (!!int abc), an anchor that holds itself: Spring fails on the
            // same, with less to go by; the value is not quoted (it may be a webhook's secret URL)
            throw new UnusableConfigFileException(file + ": its web_server block cannot be read as Spring reads YAML ("
                    + ex.getClass().getSimpleName() + "). Fix: write its values plainly (no !! tags, no anchor that "
                    + "holds itself), or move the block into config/application.yaml.", ex);
        }
        return documents;
    }

    /**
     * Builds the web_server entries of a composed YAML document as Spring's YAML loader builds a
     * whole file (its {@code OriginTrackedYamlLoader}): same loader options (no duplicate keys,
     * no limit on aliases or size), no timestamps, every scalar value an
     * {@link OriginTrackedValue} at its line and column, keys left plain, empty values "", and
     * the result flattened to property names by Spring's own {@link YamlProcessor}.
     */
    private static final class WebServerEntries extends YamlProcessor {

        private final Resource resource;

        private final LoaderOptions options = new LoaderOptions();

        private final EntryConstructor constructor;

        private final Sections sections = new Sections();

        WebServerEntries(Resource resource) {
            this.resource = resource;
            this.options.setAllowDuplicateKeys(false);
            this.options.setMaxAliasesForCollections(Integer.MAX_VALUE);
            this.options.setAllowRecursiveKeys(true);
            this.options.setCodePointLimit(Integer.MAX_VALUE);
            this.constructor = new EntryConstructor(this.options);
        }

        Yaml yaml() {
            DumperOptions dumperOptions = new DumperOptions();
            return new Yaml(this.constructor, new Representer(dumperOptions), dumperOptions, this.options,
                    new NoTimestampResolver());
        }

        /**
         * The web_server entries of {@code document} as property names and values; empty when it
         * has none. Spring builds a document's sections in file order, and building a map turns
         * its keys plain and resolves its merge keys ({@code <<}) in place, in nodes an alias
         * shares: so the other sections are prepared the same way, in the same order, but not
         * built (their values, tags and duplicate keys stay theirs), and a merge in the block
         * sees what it would see in Spring.
         */
        Map<String, Object> construct(Node document) {
            Map<String, Object> entries = new LinkedHashMap<>();
            if (!(document instanceof MappingNode root)) {
                return entries;
            }
            refuseRepeatedEntries(root);
            Set<Node> prepared = Collections.newSetFromMap(new IdentityHashMap<>());
            this.sections.prepare(root, prepared);
            for (NodeTuple entry : root.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key && isWebServerKey(key.getValue())) {
                    entries.put(key.getValue(), plainKeys(this.constructor.construct(entry.getValueNode())));
                }
                else {
                    this.sections.prepareAll(entry.getValueNode(), prepared);
                }
            }
            return entries.isEmpty() ? entries : getFlattenedMap(entries);
        }

        /** A web_server entry written twice in one document is an error for Spring, so here too. */
        private static void refuseRepeatedEntries(MappingNode root) {
            Set<String> seen = new HashSet<>();
            for (NodeTuple entry : root.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key && isWebServerKey(key.getValue())
                        && !seen.add(key.getValue())) {
                    throw new RepeatedEntryException(root.getStartMark(), key.getValue(), key.getStartMark());
                }
            }
        }

        /**
         * {@code value} with the keys of its maps as strings, as Spring's loader turns them before
         * flattening: a key merged in from an anchor ({@code <<: *defaults}) comes tracked.
         */
        private static Object plainKeys(Object value) {
            if (!(value instanceof Map<?, ?> map)) {
                return value;
            }
            Map<String, Object> plain = new LinkedHashMap<>();
            map.forEach((key, item) -> plain.put((key instanceof CharSequence) ? key.toString() : "[" + key + "]",
                    plainKeys(item)));
            return plain;
        }

        /** The error Spring's loader gives for a key written twice in one map, which the document's root is. */
        private static final class RepeatedEntryException extends MarkedYAMLException {

            RepeatedEntryException(Mark document, String key, Mark repeated) {
                super("while constructing a mapping", document, "found duplicate key " + key, repeated);
            }

        }

        /**
         * Prepares the maps of the other sections as building them would (keys plain, merges
         * resolved), without building them: their tags and duplicate keys are no business of Virtuoso's.
         */
        private static final class Sections extends AnyTagConstructor {

            /** One map: its keys made plain, its merges resolved. */
            void prepare(MappingNode map, Set<Node> prepared) {
                if (prepared.add(map)) {
                    KeyNode.makeKeysPlain(map);
                    flattenMapping(map);
                }
            }

            /** Every map that {@code node} holds, depth first, as Spring would build them. */
            void prepareAll(Node node, Set<Node> prepared) {
                if (node instanceof MappingNode map) {
                    if (prepared.contains(map)) {
                        return;
                    }
                    prepare(map, prepared);
                    for (NodeTuple tuple : map.getValue()) {
                        prepareAll(tuple.getValueNode(), prepared);
                    }
                }
                else if (node instanceof SequenceNode sequence && prepared.add(sequence)) {
                    for (Node item : sequence.getValue()) {
                        prepareAll(item, prepared);
                    }
                }
            }

        }

        private final class EntryConstructor extends SafeConstructor {

            EntryConstructor(LoaderOptions options) {
                super(options);
            }

            Object construct(Node node) {
                return constructDocument(node);
            }

            @Override
            protected Object constructObject(Node node) {
                if (node instanceof SequenceNode sequence && sequence.getValue().isEmpty()) {
                    return tracked(node, "");
                }
                if (node instanceof ScalarNode && !(node instanceof KeyNode)) {
                    return tracked(node, super.constructObject(node));
                }
                if (node instanceof MappingNode mapping) {
                    KeyNode.makeKeysPlain(mapping);
                }
                return super.constructObject(node);
            }

            private Object tracked(Node node, Object value) {
                Mark mark = node.getStartMark();
                return OriginTrackedValue.of((value != null) ? value : "",
                        new TextResourceOrigin(WebServerEntries.this.resource,
                                new Location(mark.getLine(), mark.getColumn())));
            }

        }

        /** A key of a mapping: its value stays a plain string, as property names are. */
        private static final class KeyNode extends ScalarNode {

            private KeyNode(ScalarNode node) {
                super(node.getTag(), node.getValue(), node.getStartMark(), node.getEndMark(), node.getScalarStyle());
            }

            /** Makes the scalar keys of {@code map} key nodes, in a list SnakeYAML may change. */
            static void makeKeysPlain(MappingNode map) {
                map.setValue(map.getValue()
                    .stream()
                    .map((tuple) -> new NodeTuple(of(tuple.getKeyNode()), tuple.getValueNode()))
                    .collect(Collectors.toCollection(ArrayList::new)));
            }

            private static Node of(Node node) {
                return (node instanceof ScalarNode scalar && !(node instanceof KeyNode)) ? new KeyNode(scalar) : node;
            }

        }

        /** Timestamps stay text, as Spring reads them. */
        private static final class NoTimestampResolver extends Resolver {

            @Override
            public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
                if (tag != Tag.TIMESTAMP) {
                    super.addImplicitResolver(tag, regexp, first, limit);
                }
            }

        }

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
