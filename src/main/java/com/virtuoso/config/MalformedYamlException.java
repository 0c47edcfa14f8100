package com.virtuoso.config;

/**
 * A config file is not YAML; nothing was read from it or written to it.
 */
public class MalformedYamlException extends RuntimeException {

    private final transient MalformedYaml malformed;

    public MalformedYamlException(MalformedYaml malformed) {
        super(malformed.description(), malformed.failure());
        this.malformed = malformed;
    }

    public MalformedYaml malformed() {
        return malformed;
    }

}
