package com.virtuoso.security;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configured password that would cross the network in clear is warned about; nothing else is.
 */
class CleartextCredentialsWarningTest {

    @Test
    void aPasswordOnPlainHttpOnTheNetworkIsWarnedAbout() throws Exception {
        ServerProperties server = server("0.0.0.0");
        assertThat(new CleartextCredentialsWarning(withPassword(), server, null).warnings())
            .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
            .contains("plain HTTP on 0.0.0.0")
            .contains("server.ssl")
            .doesNotContain("pw-for-test");
    }

    @Test
    void noPasswordLoopbackOrTlsIsQuiet() throws Exception {
        assertThat(new CleartextCredentialsWarning(new SecurityProperties(), server("0.0.0.0"), null).warnings())
            .isEmpty();
        assertThat(new CleartextCredentialsWarning(withPassword(), server("127.0.0.1"), null).warnings()).isEmpty();
        ServerProperties tls = server("0.0.0.0");
        Ssl ssl = new Ssl();
        ssl.setEnabled(true);
        tls.setSsl(ssl);
        assertThat(new CleartextCredentialsWarning(withPassword(), tls, null).warnings()).isEmpty();
    }

    @Test
    void aManagementPortOfItsOwnIsJudgedByItsOwnAddress() throws Exception {
        ManagementServerProperties management = new ManagementServerProperties();
        management.setPort(9999);
        management.setAddress(InetAddress.getByName("0.0.0.0"));
        assertThat(new CleartextCredentialsWarning(withPassword(), server("127.0.0.1"), management).warnings())
            .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
            .contains("management server speaks plain HTTP on 0.0.0.0");
    }

    private static SecurityProperties withPassword() {
        SecurityProperties security = new SecurityProperties();
        security.getUser().setPassword("pw-for-test");
        return security;
    }

    private static ServerProperties server(String address) throws Exception {
        ServerProperties server = new ServerProperties();
        server.setAddress(InetAddress.getByName(address));
        return server;
    }

}
