package com.virtuoso.config;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * An update edits the file a symbolic link points to, and keeps the file's mode, owner and group,
 * on the new file and on its backup.
 */
class PortSettingsFileTest {

    private static final String YAML = "web_server:\n  port: 9000  # the trading UI\n";

    private static final int NOBODY = 65534;

    @TempDir
    Path directory;

    @Test
    void aSymlinkStaysALinkAndTheFileItPointsToIsEdited() throws Exception {
        Path real = Files.createDirectories(directory.resolve("deploy")).resolve("application.yaml");
        Files.writeString(real, YAML);
        Path link = Files.createDirectories(directory.resolve("config")).resolve("application.yaml");
        Files.createSymbolicLink(link, Path.of("../deploy/application.yaml"));
        PortSettingsFile.Change change = new PortSettingsFile(link).update(9100, null);
        assertThat(link).isSymbolicLink();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("../deploy/application.yaml"));
        assertThat(real).hasContent("web_server:\n  port: 9100  # the trading UI\n");
        assertThat(change.file()).isEqualTo(real.toRealPath());
        assertThat(change.backup().getParent()).isEqualTo(real.toRealPath().getParent());
        assertThat(change.backup().getFileName().toString()).startsWith("application.yaml.").endsWith("Z.bak");
        assertThat(change.backup()).hasContent(YAML);
        assertThat(real.resolveSibling("application.yaml.lock")).exists();
        try (var besideTheLink = Files.list(link.getParent())) {
            assertThat(besideTheLink).containsExactly(link);
        }
    }

    @Test
    void aLinkToAFileNotThereYetCreatesTheFileAndStaysALink() throws Exception {
        Path real = directory.resolve("deploy/application.yaml");
        Path link = directory.resolve("application.yaml");
        Files.createSymbolicLink(link, real);
        new PortSettingsFile(link).update(9100, null);
        assertThat(link).isSymbolicLink();
        assertThat(real).hasContent("web_server:\n  port: 9100\n");
    }

    @Test
    void theLockFileIsPrivate() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, YAML);
        new PortSettingsFile(config).update(9100, null);
        assertThat(mode(directory.resolve("application.yaml.lock"))).isEqualTo("rw-------");
    }

    @Test
    void aLinkPlantedAsTheLockFileIsRefusedAndItsTargetLeftAlone() throws Exception {
        Path config = directory.resolve("application.yaml");
        Files.writeString(config, YAML);
        Path existing = Files.writeString(directory.resolve("precious"), "keep me\n");
        Path lock = Files.createSymbolicLink(directory.resolve("application.yaml.lock"), existing);
        assertThatExceptionOfType(PortSettingsFile.UpdateRefusedException.class)
            .isThrownBy(() -> new PortSettingsFile(config).update(9100, null))
            .withMessageContaining("Lock file " + lock + " is a symbolic link")
            .withMessageContaining("Fix: remove " + lock);
        assertThat(existing).hasContent("keep me");
        assertThat(config).hasContent(YAML);
        Files.delete(lock);
        Path missing = directory.resolve("created-by-nobody");
        Files.createSymbolicLink(lock, missing);
        assertThatExceptionOfType(PortSettingsFile.UpdateRefusedException.class)
            .isThrownBy(() -> new PortSettingsFile(config).update(9100, null));
        assertThat(missing).doesNotExist();
    }

    @Test
    void theModeIsKeptAndTheBackupIsNoMoreReadableThanTheFile() throws Exception {
        Path group = write("group.yaml", "rw-r-----");
        PortSettingsFile.Change grouped = new PortSettingsFile(group).update(9100, null);
        assertThat(mode(group)).isEqualTo("rw-r-----");
        assertThat(mode(grouped.backup())).isEqualTo("rw-r-----");
        Path secret = write("secret.yaml", "rw-------");
        PortSettingsFile.Change secrets = new PortSettingsFile(secret).update(9100, null);
        assertThat(mode(secret)).isEqualTo("rw-------");
        assertThat(mode(secrets.backup())).isEqualTo("rw-------");
        assertThat(secrets.backup()).hasContent(YAML);
    }

    @Test
    void afterTheClockSteppedBackTheBackupJustMadeIsKept() throws Exception {
        Path config = write("application.yaml", "rw-------");
        // five backups made while the clock was ahead: by name, all newer than the next one
        for (int i = 0; i < 5; i++) {
            Files.writeString(directory.resolve("application.yaml.2099010" + i + "T000000.000000Z.bak"), "old " + i);
        }
        PortSettingsFile.Change change = new PortSettingsFile(config).update(9100, null);
        assertThat(change.backup()).exists().hasContent(YAML);
        try (var backups = Files.list(directory)) {
            assertThat(backups.filter((file) -> file.getFileName().toString().endsWith(".bak"))).hasSize(5);
        }
    }

    @Test
    void aLegacyBackupIsTheOldestAndGoesWhenFiveNewerOnesExist() throws Exception {
        Path config = write("application.yaml", "rw-------");
        Path legacy = Files.writeString(directory.resolve("application.yaml.bak"), "web_server:\n  port: 8000\n");
        for (int port = 9101; port <= 9104; port++) {
            new PortSettingsFile(config).update(port, null);
        }
        assertThat(legacy).as("with four newer backups, the legacy one is still among the last five").exists();
        new PortSettingsFile(config).update(9105, null);
        assertThat(legacy).doesNotExist();
        try (var backups = Files.list(directory)) {
            assertThat(backups.filter((file) -> file.getFileName().toString().endsWith(".bak"))).hasSize(5);
        }
    }

    @Test
    void aKeptLegacyBackupIsMadeNoMoreReadableThanTheFile() throws Exception {
        Path config = write("application.yaml", "rw-r-----");
        Path legacy = Files.writeString(directory.resolve("application.yaml.bak"), "web_server:\n  port: 8000\n");
        Files.setPosixFilePermissions(legacy, PosixFilePermissions.fromString("rw-rw-r--"));
        new PortSettingsFile(config).update(9100, null);
        assertThat(legacy).hasContent("web_server:\n  port: 8000");
        assertThat(mode(legacy)).isEqualTo("rw-r-----");
    }

    @Test
    void aKeptLegacyBackupOfAnotherGroupIsNotReadableByThatGroup() throws Exception {
        assumeThat(Files.getAttribute(directory, "unix:uid")).as("giving a file any group needs root").isEqualTo(0);
        Path config = write("application.yaml", "rw-r-----");
        Path legacy = Files.writeString(directory.resolve("application.yaml.bak"), "web_server:\n  port: 8000\n");
        Files.setPosixFilePermissions(legacy, PosixFilePermissions.fromString("rw-r-----"));
        Files.setAttribute(legacy, "unix:gid", NOBODY);
        new PortSettingsFile(config).update(9100, null);
        assertThat(Files.getAttribute(legacy, "unix:gid")).isEqualTo(NOBODY);
        assertThat(mode(legacy)).isEqualTo("rw-------");
    }

    @Test
    void aLegacyBackupThatIsALinkIsNeitherFollowedNorDeleted() throws Exception {
        Path config = write("application.yaml", "rw-------");
        Path elsewhere = Files.writeString(directory.resolve("elsewhere"), "keep me\n");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-rw-r--"));
        Path legacy = Files.createSymbolicLink(directory.resolve("application.yaml.bak"), elsewhere);
        for (int port = 9101; port <= 9106; port++) {
            new PortSettingsFile(config).update(port, null);
        }
        assertThat(legacy).isSymbolicLink();
        assertThat(mode(elsewhere)).isEqualTo("rw-rw-r--");
    }

    @Test
    void aPropertiesFileIsEditedAsPropertiesAndABrokenEditIsNeverWritten() throws Exception {
        Path config = directory.resolve("application.properties");
        Files.writeString(config, "a=1\nserver.port:8000\n#---\nb=2\n");
        assertThatExceptionOfType(UnusableConfigFileException.class)
            .isThrownBy(() -> new PortSettingsFile(config).update("server.port", 9100, null, null))
            .withMessageContaining("holds 2 documents");
        PortSettingsFile.Change change = new PortSettingsFile(config).update("server.port", 9100, null, 1);
        assertThat(change.oldPort()).isEqualTo(8000);
        assertThat(config).hasContent("a=1\nserver.port:9100\n#---\nb=2");
    }

    @Test
    void aYamlEditThatWouldNotSetThePortIsRefusedWithTheFixAndNothingIsWritten() throws Exception {
        Path config = directory.resolve("application.yaml");
        // a value over two lines: the second stays under the new value, which it continues or breaks
        for (String yaml : List.of("web_server:\n  port: |\n    8000\n", "web_server:\n  port: {a: 1,\n    b: 2}\n")) {
            Files.writeString(config, yaml);
            assertThatExceptionOfType(UnusableConfigFileException.class).as(yaml)
                .isThrownBy(() -> new PortSettingsFile(config).update(9100, List.of(9101)))
                .withMessageContaining("Cannot set web_server.port to 9100 in " + config)
                .withMessageContaining("Fix: set web_server.port: 9100 and web_server.fallback_ports: [9101] in "
                        + config + " by hand. Nothing was changed.");
            assertThat(config).hasContent(yaml);
        }
        assertThat(directory).isDirectoryNotContaining("glob:**.bak");
    }

    @Test
    void theOwnerAndGroupAreKept() throws Exception {
        assumeThat(Files.getAttribute(directory, "unix:uid")).as("changing a file's owner needs root").isEqualTo(0);
        Path config = write("application.yaml", "rw-r-----");
        Files.setAttribute(config, "unix:uid", NOBODY);
        Files.setAttribute(config, "unix:gid", NOBODY);
        Path link = Files.createSymbolicLink(directory.resolve("link.yaml"), config);
        PortSettingsFile.Change change = new PortSettingsFile(link).update(9100, null);
        for (Path file : List.of(config, change.backup())) {
            assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(NOBODY);
            assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(NOBODY);
            assertThat(mode(file)).isEqualTo("rw-r-----");
        }
        assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
        assertThat(config).hasContent("web_server:\n  port: 9100  # the trading UI\n");
    }

    private Path write(String name, String mode) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, YAML);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

}
