package com.virtuoso.ports;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.ListenerMain;
import com.virtuoso.testing.ListenerProcess;

import static org.assertj.core.api.Assertions.assertThat;

class PortHolderLookupTest {

    private final PortHolderLookup lookup = new PortHolderLookup();

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

}
