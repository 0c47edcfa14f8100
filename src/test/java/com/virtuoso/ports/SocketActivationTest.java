package com.virtuoso.ports;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SocketActivationTest {

    private static final long PID = 4242;

    @TempDir
    Path directory;

    @Test
    void listenFdsForThisProcessServesTheListeningSocketOnStandardInput() throws Exception {
        try (ServerSocketChannel socket = listening()) {
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            SocketActivation.Detection detection = new SocketActivation(
                    Map.of("LISTEN_FDS", "1", "LISTEN_PID", Long.toString(PID)), PID, () -> socket).detect();
            assertThat(detection.warnings()).isEmpty();
            assertThat(detection.socket()).hasValueSatisfying((inherited) -> {
                assertThat(inherited.port()).isEqualTo(port);
                assertThat(inherited.source()).isEqualTo(InheritedSocket.Source.LISTEN_FDS);
            });
        }
    }

    @Test
    void aListeningSocketOnStandardInputWithoutVariablesIsServedToo() throws Exception {
        try (ServerSocketChannel socket = listening()) {
            SocketActivation.Detection detection = new SocketActivation(Map.of(), PID, () -> socket).detect();
            assertThat(detection.socket()).hasValueSatisfying(
                    (inherited) -> assertThat(inherited.source()).isEqualTo(InheritedSocket.Source.STANDARD_INPUT));
        }
    }

    @Test
    void withoutVariablesOrSocketTheServerBindsAsUsual() {
        SocketActivation.Detection detection = new SocketActivation(Map.of(), PID, () -> null).detect();
        assertThat(detection.socket()).isEmpty();
        assertThat(detection.warnings()).isEmpty();
    }

    @Test
    void aListenPidOfAnotherProcessIsIgnoredWithAWarning() throws Exception {
        try (ServerSocketChannel socket = listening()) {
            SocketActivation.Detection detection = new SocketActivation(
                    Map.of("LISTEN_FDS", "1", "LISTEN_PID", "1234"), PID, () -> socket).detect();
            assertThat(detection.socket()).isEmpty();
            assertThat(detection.warnings()).singleElement()
                .asString()
                .contains("LISTEN_PID=1234 is not this process (PID 4242)")
                .contains("binding the configured port as usual");
        }
    }

    @Test
    void listenFdsWithoutListenPidIsIgnoredWithAWarning() {
        SocketActivation.Detection detection = new SocketActivation(Map.of("LISTEN_FDS", "1"), PID, () -> null)
            .detect();
        assertThat(detection.socket()).isEmpty();
        assertThat(detection.warnings()).singleElement().asString().contains("LISTEN_PID=null is not this process");
    }

    @Test
    void twoSocketsFailTheStartNamingTheFix() throws Exception {
        try (ServerSocketChannel socket = listening()) {
            SocketActivation activation = new SocketActivation(
                    Map.of("LISTEN_FDS", "2", "LISTEN_PID", Long.toString(PID)), PID, () -> socket);
            assertThatExceptionOfType(InheritedSocketException.class).isThrownBy(activation::detect)
                .withMessageContaining("handed over 2 sockets (LISTEN_FDS=2)")
                .satisfies((ex) -> assertThat(ex.action()).contains("Keep one ListenStream=")
                    .contains("web_server.additional_ports"));
        }
    }

    @Test
    void aSocketLeftOnFd3FailsTheStartPointingAtTheLauncher() {
        SocketActivation activation = new SocketActivation(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "4242"), PID,
                () -> null);
        assertThatExceptionOfType(InheritedSocketException.class).isThrownBy(activation::detect)
            .withMessageContaining("standard input (fd 0) is not a listening socket")
            .satisfies((ex) -> assertThat(ex.action()).contains("bin/virtuoso").contains("StandardInput=socket"));
    }

    @Test
    void aConnectedSocketOnStandardInputIsNotAListener() throws Exception {
        try (ServerSocketChannel server = listening(); SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
            assertThat(new SocketActivation(Map.of(), PID, () -> client).detect().socket()).isEmpty();
        }
    }

    @Test
    void aUnixSocketFailsTheStart() throws Exception {
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(directory.resolve("virtuoso.sock")));
            SocketActivation activation = new SocketActivation(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "4242"), PID,
                    () -> unix);
            assertThatExceptionOfType(InheritedSocketException.class).isThrownBy(activation::detect)
                .withMessageContaining("not on a TCP port");
        }
    }

    @Test
    void aListenFdsThatIsNotANumberFailsTheStart() {
        SocketActivation activation = new SocketActivation(Map.of("LISTEN_FDS", "one", "LISTEN_PID", "4242"), PID,
                () -> null);
        assertThatExceptionOfType(InheritedSocketException.class).isThrownBy(activation::detect)
            .withMessageContaining("LISTEN_FDS=one is not a number");
        for (String signed : List.of("-1", "+1")) {
            SocketActivation odd = new SocketActivation(Map.of("LISTEN_FDS", signed, "LISTEN_PID", "4242"), PID,
                    () -> null);
            assertThatExceptionOfType(InheritedSocketException.class).isThrownBy(odd::detect)
                .withMessageContaining("LISTEN_FDS=" + signed + " is not a number");
        }
    }

    private static ServerSocketChannel listening() throws Exception {
        ServerSocketChannel socket = ServerSocketChannel.open();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

}
