package com.virtuoso.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ports check} and {@code ports kill} against a real Docker engine: a container made here
 * from a static busybox ({@code docker import}, as no image can be pulled) publishes a port picked
 * at run time on 127.0.0.1; {@code check} names it, {@code kill} refuses to signal its
 * {@code docker-proxy} and prints {@code docker stop NAME}, and the container still runs. The test
 * removes the container and the image it made, by the ids it got, and nothing else.
 * <p>
 * Runs when an engine answers {@code docker info} and {@code /bin/busybox} is static
 * ({@code busybox-static}); otherwise it is skipped, saying why, unless
 * {@code VIRTUOSO_REQUIRE_DOCKER=1} (as run-tests.sh sets it), which turns the skip into a failure.
 */
class DockerEngineIT {

    private static final Duration DOCKER_COMMAND = Duration.ofSeconds(120);

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path directory;

    @Test
    void checkNamesThePublishingContainerAndKillLeavesItRunning() throws Exception {
        requireEngine();
        Path tarball = busyboxTarball();
        String image = docker("import", tarball.toString()).strip();
        String container = null;
        try {
            int port = FreePorts.pick();
            String name = "virtuoso-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            container = docker("run", "-d", "--name", name, "-p", "127.0.0.1:" + port + ":8080", image,
                    "/bin/busybox", "httpd", "-f", "-p", "8080").strip();
            JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \""
                    + directory.resolve("state") + "\"\n");

            JarProcess check = JarProcess.ports(directory, "check", Integer.toString(port));
            assertThat(check.awaitExit(Duration.ofSeconds(60))).isOne();
            assertThat(check.output()).contains("docker-proxy")
                .contains("Docker container " + name + " (" + container.substring(0, 12) + ")")
                .contains("To free it: docker stop " + name);

            JarProcess kill = JarProcess.ports(directory, "kill", Integer.toString(port), "--yes");
            assertThat(kill.awaitExit(Duration.ofSeconds(60))).isEqualTo(77);
            assertThat(kill.output()).contains("docker stop " + name);
            assertThat(docker("inspect", "--format", "{{.State.Running}}", container).strip()).isEqualTo("true");
        }
        finally {
            if (container != null) {
                docker("rm", "--force", container);
            }
            docker("rmi", image);
        }
    }

    /** Skips the test, saying why, when no engine answers; fails instead under VIRTUOSO_REQUIRE_DOCKER=1. */
    private static void requireEngine() throws InterruptedException {
        String missing = whyNotRunnable();
        if (missing != null && "1".equals(System.getenv("VIRTUOSO_REQUIRE_DOCKER"))) {
            fail("VIRTUOSO_REQUIRE_DOCKER=1 but " + missing);
        }
        if (missing != null) {
            System.err.println("DockerEngineIT skipped: " + missing);
        }
        assumeTrue(missing == null, "Skipped, the real Docker test did not run: " + missing
                + ". Install docker.io and busybox-static and start dockerd (run-tests.sh does).");
    }

    /** What this test lacks to run, or {@code null}. */
    private static String whyNotRunnable() throws InterruptedException {
        try {
            Result info = run("docker", "info", "--format", "{{.ServerVersion}}");
            if (info.exitCode() != 0) {
                return "no Docker engine answers 'docker info' (" + info.output().strip() + ")";
            }
        }
        catch (IOException ex) {
            return "no docker command (" + ex.getMessage() + ")";
        }
        return isStatic(BUSYBOX) ? null
                : BUSYBOX + " is missing or not statically linked (Debian package busybox-static)";
    }

    /**
     * Whether {@code file} is a 64-bit little-endian ELF executable with no program interpreter
     * ({@code PT_INTERP}), so that it runs in an image holding nothing else.
     */
    private static boolean isStatic(Path file) {
        try {
            ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
                return false;
            }
            long headers = elf.getLong(0x20);
            int size = Short.toUnsignedInt(elf.getShort(0x36));
            int count = Short.toUnsignedInt(elf.getShort(0x38));
            for (int i = 0; i < count; i++) {
                if (elf.getInt(Math.toIntExact(headers + (long) i * size)) == 3) {
                    return false;
                }
            }
            return true;
        }
        catch (IOException | RuntimeException ex) {
            return false; // missing, unreadable or not an ELF file this test can read: not usable
        }
    }

    /** A tarball holding {@code bin/busybox}, what {@code docker import} makes an image of. */
    private Path busyboxTarball() throws IOException, InterruptedException {
        Path root = Files.createDirectories(directory.resolve("rootfs/bin"));
        Files.copy(BUSYBOX, root.resolve("busybox"));
        Path tarball = directory.resolve("busybox.tar");
        Result tar = run("tar", "-C", directory.resolve("rootfs").toString(), "-cf", tarball.toString(), "bin");
        assertThat(tar.exitCode()).as(tar.output()).isZero();
        return tarball;
    }

    /** The output of {@code docker ARGS}, which must succeed. */
    private static String docker(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        Result result = run(command.toArray(String[]::new));
        assertThat(result.exitCode()).as("%s: %s", command, result.output()).isZero();
        return result.output();
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("docker-it-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            if (!process.waitFor(DOCKER_COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, String.join(" ", command) + " did not end within " + DOCKER_COMMAND);
            }
            return new Result(process.exitValue(), Files.readString(output));
        }
        finally {
            Files.delete(output);
        }
    }

    private record Result(int exitCode, String output) {
    }

}
