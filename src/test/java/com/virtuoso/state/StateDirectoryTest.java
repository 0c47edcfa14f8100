package com.virtuoso.state;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link StateDirectory} on real directories: what it creates, tightens and refuses.
 */
class StateDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void aMissingDirectoryIsCreatedPrivateWithItsParents() throws Exception {
        Path path = temp.resolve("home/.virtuoso");
        StateDirectory directory = StateDirectory.open(path);
        assertThat(directory.isUsable()).isTrue();
        assertThat(directory.refusal()).isEmpty();
        assertThat(mode(path)).isEqualTo("rwx------");
    }

    @Test
    void anExistingDirectoryOfTheUserIsTightenedTo0700() throws Exception {
        Path path = Files.createDirectory(temp.resolve("state"));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(StateDirectory.open(path).isUsable()).isTrue();
        assertThat(mode(path)).isEqualTo("rwx------");
    }

    @Test
    void aDirectoryWritableByGroupOrOthersIsRefusedAndLeftAsItIs() throws Exception {
        for (String mode : new String[] { "rwxrwx---", "rwx---rwx" }) {
            Path path = Files.createDirectory(temp.resolve(mode));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
            StateDirectory directory = StateDirectory.open(path);
            assertThat(directory.isUsable()).isFalse();
            assertThat(directory.refusal()).get()
                .asString()
                .startsWith("State directory " + path + " is writable by group or others")
                .endsWith("Fix: chmod 700 " + path)
                .doesNotContain("\n");
            assertThat(mode(path)).isEqualTo(mode);
        }
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAPrivateDirectory() throws Exception {
        Path real = Files.createDirectory(temp.resolve("real"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(temp.resolve("state"), real);
        StateDirectory directory = StateDirectory.open(link);
        assertThat(directory.isUsable()).isFalse();
        assertThat(directory.refusal()).get().asString().contains(link + " is a symbolic link (to " + real + ")");
    }

    @Test
    void anotherUsersDirectoryIsRefused() throws Exception {
        Path path = Files.createDirectory(temp.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534"));
        StateDirectory directory = StateDirectory.open(path);
        assertThat(directory.isUsable()).isFalse();
        assertThat(directory.refusal()).get()
            .asString()
            .contains(path + " belongs to ")
            .contains("not to " + System.getProperty("user.name"))
            .contains("chmod 700 " + path);
    }

    @Test
    void aFileIsRefused() throws Exception {
        Path path = Files.writeString(temp.resolve("state"), "not a directory");
        assertThat(StateDirectory.open(path).refusal()).get().asString().contains(path + " is not a directory");
    }

    @Test
    void aCommandThatNeedsItGetsTheRefusal() throws Exception {
        Path path = Files.createDirectory(temp.resolve("state"));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
        StateDirectory directory = StateDirectory.open(path);
        assertThatExceptionOfType(StateDirectoryRefusedException.class).isThrownBy(directory::requireUsable)
            .withMessage(directory.refusal().orElseThrow());
        StateDirectory usable = StateDirectory.open(temp.resolve("usable"));
        assertThat(usable.requireUsable()).isSameAs(usable);
    }

    @Test
    void directoriesInsideAreCreatedOrTightenedTo0700AndNeverLinks() throws Exception {
        StateDirectory directory = StateDirectory.open(temp.resolve("state"));
        Path created = directory.directory("created");
        assertThat(mode(created)).isEqualTo("rwx------");
        Path loose = Files.createDirectory(directory.path().resolve("loose"));
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(mode(directory.directory("loose"))).isEqualTo("rwx------");
        Files.createSymbolicLink(directory.path().resolve("linked"), Files.createDirectory(temp.resolve("elsewhere")));
        assertThatExceptionOfType(NotDirectoryException.class)
            .isThrownBy(() -> directory.directory("linked"));
    }

    @Test
    void filesInsideAreCreated0600AndLockFilesTightened() throws Exception {
        StateDirectory directory = StateDirectory.open(temp.resolve("state"));
        assertThat(mode(directory.createTempFile(directory.path(), "x", ".tmp"))).isEqualTo("rw-------");
        try (FileChannel lock = directory.openLock("new.lock")) {
            assertThat(mode(directory.path().resolve("new.lock"))).isEqualTo("rw-------");
        }
        Path old = Files.createFile(directory.path().resolve("old.lock"));
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        try (FileChannel lock = directory.openLock("old.lock")) {
            assertThat(mode(old)).isEqualTo("rw-------");
        }
    }

    @Test
    void aLinkInsideIsNeverRead() throws Exception {
        StateDirectory directory = StateDirectory.open(temp.resolve("state"));
        Path target = Files.writeString(temp.resolve("secret"), "not yours");
        Path link = Files.createSymbolicLink(directory.path().resolve("file"), target);
        assertThat(StateDirectory.read(link, 100).found()).isEqualTo(StateDirectory.FileRead.Found.LINK);
        assertThat(StateDirectory.read(link, 100).content()).isNull();
        Files.writeString(directory.path().resolve("plain"), "ours");
        assertThat(StateDirectory.read(directory.path().resolve("plain"), 100).content()).asString().isEqualTo("ours");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

}
