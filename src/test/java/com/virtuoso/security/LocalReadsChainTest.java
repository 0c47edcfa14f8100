package com.virtuoso.security;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.web.context.WebApplicationContext;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local client's reads take the short chain; its writes and its own credentials take the full
 * one, CSRF protection included.
 */
class LocalReadsChainTest {

    @TempDir
    Path state;

    @Test
    void localReadsTakeTheShortChainAndEverythingElseTheFullOne() throws Exception {
        try (InProcessServer server = InProcessServer.start(this.state, "--web_server.port=" + FreePorts.pick(),
                "--web_server.host=127.0.0.1")) {
            List<SecurityFilterChain> chains = server.context().getBean(FilterChainProxy.class).getFilterChains();
            MockServletContext servletContext = new MockServletContext();
            servletContext.setAttribute(WebApplicationContext.ROOT_WEB_APPLICATION_CONTEXT_ATTRIBUTE, server.context());

            List<Class<?>> localRead = filters(chains, request(servletContext, "GET", true, false));
            assertThat(localRead).contains(HeaderWriterFilter.class, LoopbackClientAuthenticationFilter.class)
                .doesNotContain(CsrfFilter.class, BasicAuthenticationFilter.class);
            for (MockHttpServletRequest other : List.of(request(servletContext, "POST", true, false),
                    request(servletContext, "GET", true, true), request(servletContext, "GET", false, false))) {
                assertThat(filters(chains, other)).as(other.getMethod() + " " + other.getAttributeNames())
                    .contains(CsrfFilter.class, BasicAuthenticationFilter.class);
            }

            assertThat(localStatus(server.port(), "GET")).isEqualTo(200);
            assertThat(localStatus(server.port(), "HEAD")).isEqualTo(200);
            // CSRF: a page in a browser on this machine cannot make it write (405 would mean no CSRF check ran)
            assertThat(localStatus(server.port(), "POST")).isEqualTo(403);
            assertThat(localStatus(server.port(), "GET",
                    "Authorization: Basic " + Base64.getEncoder().encodeToString("who:wrong".getBytes())))
                .isEqualTo(401);
        }
    }

    private static MockHttpServletRequest request(MockServletContext context, String method, boolean local,
            boolean credentials) {
        MockHttpServletRequest request = new MockHttpServletRequest(context, method, "/actuator/ports");
        request.setServletPath("/actuator/ports");
        if (local) {
            request.setAttribute(LoopbackPeerValve.ATTRIBUTE, true);
        }
        if (credentials) {
            request.addHeader("Authorization", "Basic d2hvOndyb25n");
        }
        return request;
    }

    /** The filters of the first chain that takes {@code request}. */
    private static List<Class<?>> filters(List<SecurityFilterChain> chains, MockHttpServletRequest request) {
        return chains.stream()
            .filter((chain) -> chain.matches(request))
            .findFirst()
            .orElseThrow()
            .getFilters()
            .stream()
            .<Class<?>>map(Filter::getClass)
            .toList();
    }

    /** The status of a request to /actuator/ports from 127.0.0.1, Host localhost. */
    private static int localStatus(int port, String method, String... headers) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            String request = method + " /actuator/ports HTTP/1.1\r\nHost: localhost\r\n"
                    + String.join("", List.of(headers).stream().map((header) -> header + "\r\n").toList())
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

}
