package com.virtuoso.ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerMain;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The holder lookup on the real /proc, and on a fake /proc tree built for each fault it must
 * survive: whatever it meets ends as "holder unknown", never as an exception.
 */
class PortHolderLookupTest {

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode\n";

    private final PortHolderLookup lookup = new PortHolderLookup();

    @TempDir
    Path proc;

    @Test
    void findsTheProcessListeningOnIpv4() throws Exception {
        assertHolderFound("127.0.0.1");
    }

    @Test
    void findsTheProcessListeningOnIpv6() throws Exception {
        assertHolderFound("::1");
    }

    @Test
    void aConnectedClientIsNotAHolder() throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start("127.0.0.1", port);
                Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            PortHolders holders = lookup.lookup(port);
            assertThat(holders.holders()).extracting(PortHolder::pid).containsExactly(listener.pid());
        }
    }

    @Test
    void aFreePortHasNoHolderAndSaysWhy() {
        PortHolders holders = lookup.lookup(FreePorts.pick());
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("no process listens");
    }

    private void assertHolderFound(String host) throws Exception {
        int port = FreePorts.pick();
        try (ListenerProcess listener = ListenerProcess.start(host, port)) {
            PortHolder holder = lookup.lookup(port).first();
            assertThat(holder).isNotNull();
            assertThat(holder.pid()).isEqualTo(listener.pid());
            assertThat(holder.user()).isEqualTo(System.getProperty("user.name"));
            assertThat(holder.command()).contains(ListenerMain.class.getName(), host, Integer.toString(port));
            assertThat(holder.startTime()).isNotNull();
        }
    }

    @Test
    void aPortHeldByDockerProxyIsNamedAfterTheContainerThatPublishesIt() throws IOException {
        int port = FreePorts.pick();
        FakeProc.listener(proc, port, 13579, "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "127.0.0.1",
                "-host-port", Integer.toString(port), "-container-ip", "172.17.0.2", "-container-port", "8080");
        PublishingContainer web = new PublishingContainer("web", "4d7ac333d3d4");
        PortHolders holders = FakeProc.lookup(proc, (asked, addresses) -> (asked == port) ? List.of(web) : List.of())
            .lookup(port);
        assertThat(holders.holders()).extracting(PortHolder::pid).containsExactly(13579L);
        assertThat(holders.published()).hasValueSatisfying((published) -> {
            assertThat(published.forwarder()).isEqualTo(PortForwarder.DOCKER_PROXY);
            assertThat(published.containers()).containsExactly(web);
        });
        assertThat(holders.describe()).isEqualTo("Docker container web (4d7ac333d3d4), published through "
                + "docker-proxy PID 13579");
    }

    @Test
    void aPortHeldByDockerProxyIsADockerPublishedPortWhenTheEngineNamesNoContainer() throws IOException {
        int port = FreePorts.pick();
        FakeProc.listener(proc, port, 13579, "/usr/sbin/docker-proxy", "-proto", "tcp", "-host-port",
                Integer.toString(port));
        PortHolders holders = FakeProc.lookup(proc).lookup(port);
        assertThat(holders.published()).isPresent();
        assertThat(holders.describe()).isEqualTo("a Docker-published port (docker-proxy PID 13579)");
    }

    @Test
    void aRootListenerThisUserCannotSeeIsNamedAfterTheContainerTheEngineSaysPublishesThePort() throws IOException {
        // docker-proxy runs as root: a user who may not inspect root's processes sees only its LISTEN row
        int port = FreePorts.pick();
        FakeProc.hiddenListener(proc, port, 0);
        Files.writeString(proc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        PublishingContainer web = new PublishingContainer("web", "4d7ac333d3d4");
        PortHolders holders = FakeProc.lookup(proc, (asked, addresses) -> (asked == port) ? List.of(web) : List.of())
            .lookup(port);
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("user root (uid 0)");
        assertThat(holders.published()).hasValueSatisfying((published) -> {
            assertThat(published.holder()).isNull();
            assertThat(published.containers()).containsExactly(web);
            assertThat(published.stopCommand()).isEqualTo("docker stop web");
        });
        assertThat(holders.describe()).isEqualTo("Docker container web (4d7ac333d3d4), published through a "
                + "listener of root this user cannot see");
    }

    @Test
    void inAContainerARootListenerThisUserCannotSeeIsNotAskedAbout() throws IOException {
        // the kernel's tables are the container's network, the engine answers for the host's
        int port = FreePorts.pick();
        FakeProc.hiddenListener(proc, port, 0);
        Files.writeString(proc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        List<Integer> asked = new ArrayList<>();
        PublishingContainers engine = (question, addresses) -> {
            asked.add(question);
            return List.of(new PublishingContainer("web", "4d7ac333d3d4"));
        };
        PortHolders holders = new PortHolderLookup(proc, proc.resolve("passwd"), engine, System::nanoTime, false)
            .lookup(port);
        assertThat(holders.published()).isEmpty();
        assertThat(holders.unknownReason()).contains("user root (uid 0)");
        assertThat(asked).isEmpty();
    }

    @Test
    void aHiddenListenerIsNamedAfterAContainerOnlyWhenItIsRootsAndTheEngineNamesOne() throws IOException {
        int port = FreePorts.pick();
        List<Integer> asked = new ArrayList<>();
        PublishingContainers engine = (question, addresses) -> {
            asked.add(question);
            return List.of(new PublishingContainer("web", "4d7ac333d3d4"));
        };
        FakeProc.hiddenListener(proc, port, 65534);
        assertThat(FakeProc.lookup(proc, engine).lookup(port).published()).isEmpty();
        assertThat(asked).isEmpty();
        FakeProc.hiddenListener(proc, port, 0);
        PortHolders unnamed = FakeProc.lookup(proc, (question, addresses) -> List.of()).lookup(port);
        assertThat(unnamed.published()).isEmpty();
        assertThat(unnamed.describe()).startsWith("an unknown process (the listener belongs to ");
    }

    @Test
    void theEngineIsAskedAboutTheAddressTheForwarderListensOn() throws IOException {
        int port = FreePorts.pick();
        FakeProc.listener(proc, port, 13579, "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "127.0.0.1");
        List<Set<InetAddress>> asked = new ArrayList<>();
        FakeProc.lookup(proc, (question, addresses) -> {
            asked.add(addresses);
            return List.of();
        }).lookup(port);
        Path hidden = proc.resolve("hidden");
        FakeProc.hiddenListener(hidden, port, 0);
        FakeProc.lookup(hidden, (question, addresses) -> {
            asked.add(addresses);
            return List.of();
        }).lookup(port);
        assertThat(asked).containsExactly(Set.of(InetAddress.getByName("127.0.0.1")),
                Set.of(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void checksOfTheSameHolderAskTheEngineOnceUntilTheListenerChangesOrTheAnswerAges() throws IOException {
        // the port monitor looks the primary's holder up every 100 ms to 1 s after a fall back
        int port = FreePorts.pick();
        FakeProc.listener(proc, port, 13579, "/usr/bin/docker-proxy", "-proto", "tcp");
        Path hidden = proc.resolve("hidden");
        FakeProc.hiddenListener(hidden, port, 0);
        AtomicInteger asked = new AtomicInteger();
        PublishingContainers engine = (question, addresses) -> {
            asked.incrementAndGet();
            return List.of(new PublishingContainer("web", "4d7ac333d3d4"));
        };
        AtomicLong nanos = new AtomicLong();
        PortHolderLookup seen = new PortHolderLookup(proc, proc.resolve("passwd"), engine, nanos::get);
        PortHolderLookup unseen = new PortHolderLookup(hidden, hidden.resolve("passwd"), engine, nanos::get);
        for (int check = 0; check < 20; check++) {
            nanos.addAndGet(Duration.ofMillis(100).toNanos());
            assertThat(seen.lookup(port).published()).isPresent();
            assertThat(unseen.lookup(port).published()).isPresent();
        }
        assertThat(asked).hasValue(2);
        // a new proxy (the container restarted) listens on a new socket
        Files.writeString(hidden.resolve("net/tcp"), HEADER + listenRow(port, "0", "525252"));
        assertThat(unseen.lookup(port).published()).isPresent();
        assertThat(asked).hasValue(3);
        nanos.addAndGet(PortHolderLookup.ENGINE_ANSWER_LIFETIME.toNanos());
        assertThat(unseen.lookup(port).published()).isPresent();
        assertThat(asked).hasValue(4);
    }

    @Test
    void aTableRowsAddressIsReadInTheKernelsByteOrder() throws IOException {
        assertThat(PortHolderLookup.localAddress("0100007F")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(PortHolderLookup.localAddress("0200007F")).isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThat(PortHolderLookup.localAddress("00000000000000000000000001000000"))
            .isEqualTo(InetAddress.getByName("::1"));
        assertThat(PortHolderLookup.localAddress("0000000000000000FFFF00000100007F"))
            .isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(PortHolderLookup.localAddress("zz00007F")).isNull();
    }

    @Test
    void aUidBeyondAnIntIsNamedNotAFailure() throws IOException {
        int port = FreePorts.pick();
        writeTables(listenRow(port, "4294967294", "4242"), "");
        PortHolders holders = new PortHolderLookup(proc, writePasswd("nobody:x:4294967294:4294967294::/:/bin/false\n"))
            .lookup(port);
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("user nobody (uid 4294967294)");
    }

    @Test
    void anOddPasswdFileLeavesTheUidUnnamed() throws IOException {
        int port = FreePorts.pick();
        writeTables(listenRow(port, "1234", "4242"), "");
        Path passwd = proc.resolve("passwd");
        Files.write(passwd, new byte[] { 'r', 0x00, ':', (byte) 0xff, (byte) 0xfe, '\n', ':', ':', '\n', 'x' });
        PortHolders holders = new PortHolderLookup(proc, passwd).lookup(port);
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("uid 1234");
    }

    @Test
    void tornRowsAreSkippedAndTheOthersStillCount() throws IOException {
        int port = FreePorts.pick();
        writeTables("   0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1 0 99 1\n"
                + "   1: garbage 0A 1 2 3 4 5 6 7 8\n" + listenRow(port, "1234", "4242"), "");
        Path process = Files.createDirectories(proc.resolve("4711/fd"));
        Files.createSymbolicLink(process.resolve("3"), Path.of("socket:[4242]"));
        Files.writeString(proc.resolve("4711/cmdline"), "fake-server\0--port\0" + port + "\0");
        PortHolders holders = new PortHolderLookup(proc, writePasswd("")).lookup(port);
        assertThat(holders.holders()).extracting(PortHolder::pid).containsExactly(4711L);
        assertThat(holders.first().command()).contains("fake-server");
    }

    @Test
    void aProcessDirectoryThatIsNoPidMakesTheHolderUnknown() throws IOException {
        int port = FreePorts.pick();
        writeTables(listenRow(port, "1234", "4242"), "");
        Path process = Files.createDirectories(proc.resolve("99999999999999999999999/fd"));
        Files.createSymbolicLink(process.resolve("3"), Path.of("socket:[4242]"));
        PortHolders holders = new PortHolderLookup(proc, writePasswd("")).lookup(port);
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("the holder lookup failed");
    }

    @Test
    void anUnreadableTableMakesTheHolderUnknownNotAbsent() throws IOException {
        int port = FreePorts.pick();
        writeTables(listenRow(port, "1234", "4242"), null);
        Files.createDirectories(proc.resolve("net/tcp6")); // a directory where the table should be
        PortHolders holders = new PortHolderLookup(proc, writePasswd("")).lookup(port);
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("cannot read").doesNotContain("no process listens");
    }

    @Test
    void aLookupPastItsBudgetSaysItGaveUp() throws IOException {
        int port = FreePorts.pick();
        writeTables(listenRow(port, "1234", "4242"), "");
        for (int pid = 100; pid < 110; pid++) {
            Files.createDirectories(proc.resolve(pid + "/fd"));
        }
        PortHolders holders = new PortHolderLookup(proc, writePasswd("")).lookup(port, Duration.ZERO);
        assertThat(holders.holders()).isEmpty();
        assertThat(holders.unknownReason()).contains("gave up");
    }

    @Test
    void ownListenersAreSeenFromProcSelfAlone() throws IOException {
        int port = FreePorts.pick();
        writeTables(listenRow(port, "0", "4242"), "");
        Path self = Files.createDirectories(proc.resolve("self/fd"));
        PortHolderLookup fake = new PortHolderLookup(proc, writePasswd(""));
        assertThat(fake.listensHere(port)).isFalse();
        Files.createSymbolicLink(self.resolve("7"), Path.of("socket:[4242]"));
        assertThat(fake.listensHere(port)).isTrue();
        assertThat(fake.listensHere(FreePorts.pick())).isFalse();
    }

    @Test
    void ownListenersCannotBeToldWithoutProc() throws IOException {
        int port = FreePorts.pick();
        assertThatIOException().isThrownBy(() -> new PortHolderLookup(proc).listensHere(port));
        writeTables(listenRow(port, "0", "4242"), "");
        assertThatIOException().isThrownBy(() -> new PortHolderLookup(proc).listensHere(port));
    }

    @Test
    void theRealProcSelfSeesThisProcessListen() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(lookup.listensHere(socket.getLocalPort())).isTrue();
        }
        assertThat(lookup.listensHere(FreePorts.pick())).isFalse();
    }

    private static String listenRow(int port, String uid, String inode) {
        return String.format("   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %s 0 %s 1 "
                + "0000000000000000 100 0 0 10 0%n", port, uid, inode);
    }

    /** net/tcp and net/tcp6 with these rows; no tcp6 when {@code tcp6} is {@code null}. */
    private void writeTables(String tcp, String tcp6) throws IOException {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), HEADER + tcp);
        if (tcp6 != null) {
            Files.writeString(proc.resolve("net/tcp6"), HEADER + tcp6);
        }
    }

    private Path writePasswd(String content) throws IOException {
        return Files.writeString(proc.resolve("passwd"), content);
    }

}
