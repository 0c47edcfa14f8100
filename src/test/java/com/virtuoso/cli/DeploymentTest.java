package com.virtuoso.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.instances.InstanceRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which registered servers {@code auto-fix} counts as this deployment's.
 */
class DeploymentTest {

    @TempDir
    Path directory;

    @Test
    void theSameConfigFileByItsRealPathIsThisDeployment() throws Exception {
        Path config = Files.writeString(directory.resolve("application.yaml"), "web_server:\n");
        Path link = Files.createSymbolicLink(directory.resolve("linked.yaml"), config);
        Deployment deployment = new Deployment(config, directory);
        assertThat(deployment.includes(server(directory, config.toString()))).isTrue();
        assertThat(deployment.includes(server(directory, link.toString()))).isTrue();
        assertThat(deployment.includes(server(directory, "application.yaml"))).isTrue();
        assertThat(new Deployment(link, Path.of("/")).includes(server(Path.of("/"), config.toString()))).isTrue();
    }

    @Test
    void anotherConfigFileOrNoneIsAnotherDeployment() throws Exception {
        Path config = Files.writeString(directory.resolve("application.yaml"), "web_server:\n");
        Path other = Files.writeString(directory.resolve("other.yaml"), "web_server:\n");
        Deployment deployment = new Deployment(config, directory);
        assertThat(deployment.includes(server(directory, other.toString()))).isFalse();
        assertThat(deployment.includes(server(directory, null))).isFalse();
        assertThat(deployment.includes(server(directory, directory.resolve("gone.yaml").toString()))).isFalse();
    }

    @Test
    void onDefaultsItIsThisDeploymentOnlyWithoutAConfigFileInTheSameDirectory() throws Exception {
        Path elsewhere = Files.createDirectory(directory.resolve("elsewhere"));
        Deployment defaults = new Deployment(null, directory);
        assertThat(defaults.includes(server(directory, null))).isTrue();
        assertThat(defaults.includes(server(elsewhere, null))).isFalse();
        assertThat(defaults.includes(server(directory, directory.resolve("application.yaml").toString()))).isFalse();
        assertThat(defaults.includes(new InstanceRecord(1, Instant.now(), "127.0.0.1", 1, 1, "test", null, null)))
            .isFalse();
    }

    private static InstanceRecord server(Path workingDirectory, String configFile) {
        return new InstanceRecord(4242, Instant.now(), "127.0.0.1", 8000, 8000, "test", workingDirectory.toString(),
                configFile);
    }

}
