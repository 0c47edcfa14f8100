package com.virtuoso.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerTest {

    @TempDir
    Path root;

    @Test
    void noSignMeansNoContainer() {
        assertThat(Container.detect(Map.of("HOME", "/root"), root)).isEmpty();
    }

    @Test
    void eachSignThatRuntimesLeaveIsNamed() throws Exception {
        assertThat(Container.detect(Map.of("container", "podman"), root)).map(Container::evidence)
            .contains("container=podman");
        assertThat(Container.detect(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), root)).map(Container::evidence)
            .contains("KUBERNETES_SERVICE_HOST");
        Files.createDirectories(root.resolve("run"));
        Files.createFile(root.resolve("run/.containerenv"));
        assertThat(Container.detect(Map.of(), root)).map(Container::evidence).contains("/run/.containerenv");
        Files.createFile(root.resolve(".dockerenv"));
        assertThat(Container.detect(Map.of(), root)).map(Container::evidence).contains("/.dockerenv");
    }

    @Test
    void anEmptyContainerVariableIsNoSign() {
        assertThat(Container.detect(Map.of("container", " "), root)).isEmpty();
    }

    @Test
    void theContainerVariableIsShownPrintableAndShort() {
        assertThat(Container.detect(Map.of("container", "a\u001b[31mb" + "x".repeat(100)), root))
            .map(Container::evidence)
            .hasValueSatisfying((evidence) -> assertThat(evidence).startsWith("container=a?[31mb")
                .endsWith("...")
                .hasSize("container=".length() + 40 + 3));
    }

}
