package com.virtuoso.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.JarProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/virtuoso} as an operator runs it, against the packaged jar, with a HOME and a cache
 * directory of the test's own. The first launch of a jar prepares the cache (about 10-20 s).
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin/virtuoso").toAbsolutePath();

    private static final String VIRTUOSO_JAR = "VIRTUOSO_JAR";

    @TempDir
    Path directory;

    private Path cache;

    @BeforeEach
    void writeConfig() throws IOException {
        cache = directory.resolve("cache");
        Files.createDirectories(directory.resolve("home"));
        JarProcess.writeConfig(directory,
                "web_server:\n  host: \"127.0.0.1\"\n  state_dir: \"" + directory.resolve("state") + "\"\n");
    }

    @Test
    void startsTheServerAsTheJvmItselfAndItAnswers() throws Exception {
        int port = FreePorts.pick();
        Process server = start(launcherCommand("--web_server.port=" + port, "--web_server.auto_fallback=false"),
                Map.of(VIRTUOSO_JAR, JarProcess.jar()), "server");
        try {
            awaitHealthy(server, port);
            // exec: systemd's MainPID and LISTEN_PID are the JVM's
            assertThat(server.info().command()).hasValueSatisfying(command -> assertThat(command).endsWith("/java"));
            assertThat(archives()).containsExactly("server.jsa");
            assertThat(Files.readString(directory.resolve("server.err")))
                .startsWith("virtuoso: first launch of this jar with this JVM: preparing")
                .doesNotContain("[warning]");
        }
        finally {
            stop(server);
        }
    }

    @Test
    void portsCheckPrintsWhatJavaJarPrintsOnStdoutAndUsesTheArchive() throws Exception {
        try (ServerSocket held = hold()) {
            String port = Integer.toString(held.getLocalPort());
            Run plain = run(javaJar("ports", "check", port), Map.of());
            assertThat(plain.exitCode()).isOne();
            assertThat(plain.stdout()).contains("PID " + ProcessHandle.current().pid());

            Run first = run(launcherCommand("ports", "check", port), Map.of(VIRTUOSO_JAR, JarProcess.jar()));
            assertThat(first.exitCode()).isOne();
            assertThat(first.stdout()).isEqualTo(plain.stdout());
            assertThat(first.stderr()).startsWith("virtuoso: first launch");
            assertThat(archives()).containsExactly("cli.jsa");
            // every command of the training answered as it expected (it tells in cli.log what did not)
            assertThat(trainingLog("cli.log")).isEmpty();

            // -Xshare:on fails the launch when the archive cannot be mapped
            Run cached = run(launcherCommand("ports", "check", port),
                    Map.of(VIRTUOSO_JAR, JarProcess.jar(), "JAVA_OPTS", "-Xshare:on"));
            assertThat(cached.exitCode()).isOne();
            assertThat(cached.stdout()).isEqualTo(plain.stdout());
            assertThat(cached.stderr()).isEmpty();

            // the archive holds what a check of a port in use loads (holder lookup, registry, JSON),
            // not only what a free port's check does: the training checks a port of its own
            Path classes = directory.resolve("classes.log");
            Run json = run(launcherCommand("ports", "check", port, "--json"), Map.of(VIRTUOSO_JAR, JarProcess.jar(),
                    "JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classes));
            assertThat(json.exitCode()).isOne();
            assertThat(json.stdout()).contains("\"pid\":" + ProcessHandle.current().pid());
            List<String> loaded = Files.readAllLines(classes);
            // and it trained with the port manager's logging (nowhere), not the server's
            assertThat(loaded).filteredOn((line) -> line.contains(" tools.jackson.databind.json.JsonMapper ")
                    || line.contains(" com.virtuoso.ports.PortHolderLookup$SocketOwners ")
                    || line.contains(" com.virtuoso.instances.InstanceRegistry ")
                    || line.contains(" org.apache.commons.logging.impl.NoOpLog "))
                .hasSize(4)
                .allSatisfy((line) -> assertThat(line).contains("source: shared objects file"));
        }
    }

    @Test
    void commandsPrintedForTheOperatorStartWithTheLauncher() throws Exception {
        try (ServerSocket held = hold()) {
            JarProcess.writeConfig(directory, "web_server:\n  host: \"127.0.0.1\"\n  port: " + held.getLocalPort()
                    + "\n  fallback_ports: []\n  state_dir: \"" + directory.resolve("state") + "\"\n");
            Run fix = run(launcherCommand("ports", "auto-fix", "--yes"), Map.of(VIRTUOSO_JAR, JarProcess.jar()));
            assertThat(fix.stdout() + fix.stderr())
                .contains("Find one with: " + LAUNCHER + " ports find-available " + held.getLocalPort())
                .doesNotContain("app/virtuoso.jar");
        }
    }

    @Test
    void theServersHelpAndVersionAreAnsweredWithoutPreparingACache() throws Exception {
        for (List<String> arguments : List.of(List.of("--web_server.port=1", "--help"), List.of("--version"))) {
            Run plain = run(javaJar(arguments.toArray(String[]::new)), Map.of());
            Run launched = run(launcherCommand(arguments.toArray(String[]::new)), Map.of(VIRTUOSO_JAR,
                    JarProcess.jar()));
            assertThat(launched.exitCode()).isZero();
            assertThat(launched.stdout()).isNotEmpty().isEqualTo(plain.stdout());
            assertThat(launched.stderr()).isEmpty();
        }
        assertThat(cache).doesNotExist();
    }

    @Test
    void concurrentFirstLaunchesBothAnswerAndLeaveAUsableCache() throws Exception {
        Map<String, String> environment = Map.of(VIRTUOSO_JAR, JarProcess.jar());
        Process first = start(launcherCommand("ports", "--version"), environment, "first");
        Process second = start(launcherCommand("ports", "--version"), environment, "second");
        for (Process launch : List.of(first, second)) {
            assertThat(launch.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(launch.exitValue()).isZero();
        }
        // no warning: neither launch saw the other's half-made files
        for (String name : List.of("first.err", "second.err")) {
            assertThat(Files.readString(directory.resolve(name)).lines().toList()).hasSizeLessThan(2)
                .allSatisfy(line -> assertThat(line).startsWith("virtuoso: first launch"));
        }
        Run plain = run(javaJar("ports", "--version"), Map.of());
        assertThat(Files.readString(directory.resolve("first.out"))).isEqualTo(plain.stdout());
        assertThat(Files.readString(directory.resolve("second.out"))).isEqualTo(plain.stdout());
        Run cached = run(launcherCommand("ports", "--version"), Map.of(VIRTUOSO_JAR, JarProcess.jar(), "JAVA_OPTS",
                "-Xshare:on"));
        assertThat(cached.exitCode()).isZero();
        assertThat(cached.stderr()).isEmpty();
    }

    @Test
    void aJarWhoseContentIsNotTheHashedOneIsNotCachedUnderThatHash() throws Exception {
        Path copy = Files.copy(Path.of(JarProcess.jar()), directory.resolve("virtuoso.jar"));
        Map<String, String> environment = Map.of(VIRTUOSO_JAR, copy.toString());
        assertThat(run(launcherCommand("ports", "--version"), environment).exitCode()).isZero();
        // as if the jar had been replaced between its hashing and its extraction: the remembered
        // sum no longer names the content, and no cache is made for that sum yet
        Path sum;
        try (Stream<Path> sums = Files.list(cache.resolve("jar-sums"))) {
            sum = sums.findFirst().orElseThrow();
        }
        Files.writeString(sum, "0".repeat(64) + "\n");
        Run replaced = run(launcherCommand("ports", "--version"), environment);
        assertThat(replaced.exitCode()).isZero();
        assertThat(replaced.stdout()).isEqualTo(run(javaJar("ports", "--version"), Map.of()).stdout());
        assertThat(replaced.stderr()).contains("changed while the cache was prepared: starting without the cache");
        try (Stream<Path> entries = Files.list(cache)) {
            List<Path> zeroKeyed = entries.filter((entry) -> entry.getFileName().toString().startsWith("0000"))
                .toList();
            for (Path entry : zeroKeyed) {
                try (Stream<Path> layouts = Files.list(entry)) {
                    assertThat(layouts).as("no layout under the wrong key").isEmpty();
                }
            }
        }
    }

    @Test
    void aJarWithOtherContentGetsACacheOfItsOwnAndACopyOfTheSameJarDoesNot() throws Exception {
        Path copy = Files.copy(Path.of(JarProcess.jar()), directory.resolve("virtuoso.jar"));
        Run original = run(launcherCommand("ports", "--version"), Map.of(VIRTUOSO_JAR, copy.toString()));
        assertThat(original.exitCode()).isZero();
        assertThat(cacheEntries()).hasSize(1);

        // another file (new inode, mtime) with the same bytes: the same cache, nothing prepared
        Path sameBytes = Files.copy(copy, directory.resolve("same-bytes.jar"));
        Run same = run(launcherCommand("ports", "--version"), Map.of(VIRTUOSO_JAR, sameBytes.toString()));
        assertThat(same.stderr()).isEmpty();
        assertThat(cacheEntries()).hasSize(1);

        // a rebuild with one resource changed, under another name: a cache of its own
        Path rebuilt = Files.copy(copy, directory.resolve("virtuoso-0.2.0.jar"));
        try (FileSystem jar = FileSystems.newFileSystem(rebuilt)) {
            Files.writeString(jar.getPath("BOOT-INF/classes/application.yaml"), "# rebuilt\n",
                    StandardOpenOption.APPEND);
        }
        Run rebuiltRun = run(launcherCommand("ports", "--version"), Map.of(VIRTUOSO_JAR, rebuilt.toString()));
        assertThat(rebuiltRun.exitCode()).isZero();
        assertThat(rebuiltRun.stdout()).isEqualTo(original.stdout());
        assertThat(rebuiltRun.stderr().lines().toList()).singleElement()
            .asString()
            .startsWith("virtuoso: first launch");
        assertThat(cacheEntries()).hasSize(2)
            .allSatisfy(entry -> assertThat(entry.resolve(Files.readString(entry.resolve("current")).strip())
                .resolve("cli.jsa")).isRegularFile());
    }

    @Test
    void aCacheDirectoryThatCannotBeMadeCostsOneWarningAndAPlainStart() throws Exception {
        // a file where the cache directory should be: mkdir fails, even for root
        Path blocked = Files.writeString(directory.resolve("not-a-directory"), "");
        Map<String, String> environment = Map.of(VIRTUOSO_JAR, JarProcess.jar(), "VIRTUOSO_CACHE_DIR",
                blocked.resolve("cache").toString());
        assertThat(checkAnswersAsJavaJar(environment).stderr().lines().toList()).singleElement()
            .asString()
            .startsWith("virtuoso: cache directory " + blocked.resolve("cache") + " cannot be written");
        int port = FreePorts.pick();
        Process server = start(launcherCommand("--web_server.port=" + port, "--web_server.auto_fallback=false"),
                environment, "blocked");
        try {
            awaitHealthy(server, port);
            assertThat(Files.readString(directory.resolve("blocked.err")).lines().toList()).singleElement()
                .asString()
                .contains("cannot be written");
        }
        finally {
            stop(server);
        }
    }

    @Test
    void aTrainingRunThatOutlastsItsBoundIsStoppedAndTheCommandStillAnswers() throws Exception {
        // no training ends within a second: the bound must stop it, as it would stop one that hangs
        Map<String, String> environment = Map.of(VIRTUOSO_JAR, JarProcess.jar(), "VIRTUOSO_TRAINING_TIMEOUT", "1");
        assertThat(checkAnswersAsJavaJar(environment).stderr()).contains("the cli training run made no CDS archive");
        try (Stream<Path> logs = Files.find(cache, 4, (path, attributes) -> path.endsWith("cli.log"))) {
            assertThat(logs.toList()).singleElement()
                .satisfies((log) -> assertThat(Files.readString(log))
                    .contains("stopped after 1 s (VIRTUOSO_TRAINING_TIMEOUT)"));
        }
    }

    @Test
    void theLauncherIsShellcheckClean() throws Exception {
        Process shellcheck;
        try {
            shellcheck = new ProcessBuilder("shellcheck", "--shell=sh", LAUNCHER.toString()).redirectErrorStream(true)
                .start();
        }
        catch (IOException ex) {
            throw new IllegalStateException("shellcheck is not installed: run-tests.sh installs it", ex);
        }
        String findings = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shellcheck.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(findings).isEmpty();
        assertThat(shellcheck.exitValue()).isZero();
    }

    /**
     * What a command printed and its exit code.
     */
    private record Run(int exitCode, String stdout, String stderr) {
    }

    /**
     * Checks a port this test holds with {@code java -jar} and with the launcher under
     * {@code environment}; asserts that both print the same and exit alike; returns the launcher's run.
     */
    private Run checkAnswersAsJavaJar(Map<String, String> environment) throws Exception {
        try (ServerSocket held = hold()) {
            String port = Integer.toString(held.getLocalPort());
            Run plain = run(javaJar("ports", "check", port), Map.of());
            Run launched = run(launcherCommand("ports", "check", port), environment);
            assertThat(launched.exitCode()).isEqualTo(plain.exitCode());
            assertThat(launched.stdout()).isEqualTo(plain.stdout());
            return launched;
        }
    }

    private List<String> launcherCommand(String... arguments) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    private static List<String> javaJar(String... arguments) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", JarProcess.jar()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** Starts {@code command} in the test's directory; its stdout and stderr go to NAME.out and NAME.err. */
    private Process start(List<String> command, Map<String, String> environment, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
            .redirectOutput(directory.resolve(name + ".out").toFile())
            .redirectError(directory.resolve(name + ".err").toFile());
        Map<String, String> variables = builder.environment();
        // the test's own HOME, cache and JVM; the operator's never
        variables.keySet().removeIf(key -> key.startsWith("VIRTUOSO_") || key.equals("JAVA_OPTS")
                || key.equals("XDG_CACHE_HOME") || key.startsWith("LISTEN_"));
        variables.put("HOME", directory.resolve("home").toString());
        variables.put("VIRTUOSO_CACHE_DIR", cache.toString());
        variables.put("JAVA_HOME", System.getProperty("java.home"));
        variables.putAll(environment);
        return builder.start();
    }

    /** Runs {@code command} to its end. */
    private Run run(List<String> command, Map<String, String> environment) throws Exception {
        String name = "run-" + System.nanoTime();
        Process process = start(command, environment, name);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(command + " still running after 180 s");
        }
        return new Run(process.exitValue(), Files.readString(directory.resolve(name + ".out")),
                Files.readString(directory.resolve(name + ".err")));
    }

    private static ServerSocket hold() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.pick()));
        return socket;
    }

    private static void awaitHealthy(Process server, int port) throws URISyntaxException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(new URI("http://127.0.0.1:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue());
            }
            try {
                return client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            }
            catch (IOException ex) {
                return false;
            }
        });
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }

    /** The cache's entries: one per jar content and JVM. */
    private List<Path> cacheEntries() throws IOException {
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.filter(entry -> Files.isRegularFile(entry.resolve("current"))).toList();
        }
    }

    /** What the training run of one mode printed, kept in the one cache entry. */
    private String trainingLog(String name) throws IOException {
        List<Path> entries = cacheEntries();
        assertThat(entries).hasSize(1);
        try (Stream<Path> files = Files.walk(entries.get(0), 2)) {
            Path log = files.filter((file) -> file.getFileName().toString().equals(name)).findFirst().orElseThrow();
            return Files.readString(log);
        }
    }

    /** The archives made so far, in the one cache entry. */
    private List<String> archives() throws IOException {
        List<Path> entries = cacheEntries();
        assertThat(entries).hasSize(1);
        try (Stream<Path> files = Files.walk(entries.get(0), 2)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".jsa")).toList();
        }
    }

}
