package com.virtuoso.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads YAML that other components share with Virtuoso (the trading system's config/config.yaml)
 * without judging what is theirs: a value with a tag it does not know ({@code !ENV ${KEY}}) is
 * read as the plain value it is written as, a duplicate key is the last one (as SnakeYAML reads
 * it) without a warning on the operator's terminal, and aliases and size are not limited, as
 * Spring reads YAML. For finding where things are, never for the values Virtuoso takes from
 * them, which Spring's rules build.
 */
class AnyTagConstructor extends SafeConstructor {

    AnyTagConstructor() {
        super(options());
        this.yamlConstructors.put(null, new AbstractConstruct() {

            @Override
            public Object construct(Node node) {
                return switch (node.getNodeId()) {
                    case scalar -> constructScalar((ScalarNode) node);
                    case sequence -> constructSequence((SequenceNode) node);
                    default -> constructMapping((MappingNode) node);
                };
            }

        });
    }

    static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        options.setCodePointLimit(Integer.MAX_VALUE);
        options.setAllowRecursiveKeys(true);
        options.setWarnOnDuplicateKeys(false);
        return options;
    }

}
