package com.virtuoso.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which TCP peers and which Host headers count as a client on this machine.
 */
class LoopbackPeerValveTest {

    @ParameterizedTest
    @CsvSource(textBlock = """
            127.0.0.1,                  true
            127.3.4.5,                  true
            0:0:0:0:0:0:0:1,            true
            ::1,                        true
            ::ffff:127.0.0.1,           true
            198.51.100.2,               false
            10.0.0.1,                   false
            0.0.0.0,                    false
            ::ffff:198.51.100.2,        false
            fe80:0:0:0:0:0:0:1,         false
            localhost,                  false
            '',                         false
            """)
    void onlyLoopbackAddressLiteralsAreLocalPeers(String peer, boolean loopback) {
        assertThat(LoopbackPeerValve.isLoopback(peer)).isEqualTo(loopback);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            localhost:18000,            true
            LOCALHOST,                  true
            app.localhost:18000,        true
            127.0.0.1:18000,            true
            [::1]:18000,                true
            0.0.0.0:18000,              true
            [::],                       true
            evil.example:18000,         false
            localhost.evil.example,     false
            198.51.100.1:18000,         false
            [fe80::1]:18000,            false
            '',                         false
            """)
    void onlyLoopbackNamesInTheHostHeaderAreLocal(String host, boolean loopback) {
        assertThat(LoopbackPeerValve.isLoopbackHost(host)).isEqualTo(loopback);
    }

}
