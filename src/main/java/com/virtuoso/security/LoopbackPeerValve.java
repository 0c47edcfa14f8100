package com.virtuoso.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

/**
 * Marks each request that comes from a client on this machine, judged by the connection itself,
 * before anything can rewrite the client's address.
 * <p>
 * {@code getRemoteAddr()} is not the peer once forwarded headers are honoured: Tomcat's
 * {@code RemoteIpValve} ({@code server.forward-headers-strategy: native}, on by itself on
 * Kubernetes) and Spring's {@code ForwardedHeaderFilter} ({@code framework}) both replace it with
 * the {@code X-Forwarded-For} value, which any client can send. Tomcat keeps the connection's own
 * address as the peer address; this valve reads that and stores the answer in a request
 * attribute, which no client can set.
 * <p>
 * A loopback peer is a local client only when the request was not relayed and was addressed to
 * this machine by a loopback name:
 * <ul>
 * <li>a request that carries forwarding headers (or whose address a proxy valve already
 * rewrote) came through a proxy on this machine, for a client that may be anywhere;</li>
 * <li>a request whose {@code Host} is another name reached a loopback listener through that
 * name: a browser on this machine tricked by DNS rebinding ({@code evil.example} resolving to
 * 127.0.0.1) sends {@code Host: evil.example}.</li>
 * </ul>
 */
public final class LoopbackPeerValve extends ValveBase {

    static final String ATTRIBUTE = LoopbackPeerValve.class.getName() + ".local";

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private static final String COMMON_LOOPBACK = "127.0.0.1";

    private static final String COMMON_LOOPBACK_6 = "0:0:0:0:0:0:0:1";

    private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For",
            "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Real-IP",
            "X-Client-IP");

    public LoopbackPeerValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        request.setAttribute(ATTRIBUTE, isLocalClient(request));
        getNext().invoke(request, response);
    }

    /** Adds the valve to {@code factory}'s engine, once. */
    static void addTo(TomcatServletWebServerFactory factory) {
        if (factory.getEngineValves().stream().noneMatch(LoopbackPeerValve.class::isInstance)) {
            factory.addEngineValves(new LoopbackPeerValve());
        }
    }

    /** Whether this valve saw the request come from a local client; {@code false} when it did not see it. */
    static boolean isLocalClient(ServletRequest request) {
        return Boolean.TRUE.equals(request.getAttribute(ATTRIBUTE));
    }

    private static boolean isLocalClient(Request request) {
        String peer = request.getPeerAddr();
        if (!isLoopback(peer) || !peer.equals(request.getRemoteAddr())) {
            return false;
        }
        for (String header : FORWARDING_HEADERS) {
            if (request.getHeader(header) != null) {
                return false;
            }
        }
        return isLoopbackHost(request.getHeader("Host"));
    }

    static boolean isLoopback(String address) {
        // the peer addresses of nearly every local request, as Tomcat writes them, first
        return COMMON_LOOPBACK.equals(address) || COMMON_LOOPBACK_6.equals(address)
                || literal(address).filter(InetAddress::isLoopbackAddress).isPresent();
    }

    /**
     * Whether a {@code Host} header names this machine's loopback: {@code localhost} and its
     * subdomains (which browsers never resolve through DNS), a loopback or wildcard IP literal,
     * with or without a port; no header at all (HTTP/1.0) too.
     */
    static boolean isLoopbackHost(String host) {
        if (host == null) {
            return true;
        }
        String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
                : (host.indexOf(':') >= 0) ? host.substring(0, host.indexOf(':')) : host;
        name = name.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals(COMMON_LOOPBACK) || name.endsWith(".localhost") || literal(name)
            .filter((address) -> address.isLoopbackAddress() || address.isAnyLocalAddress())
            .isPresent();
    }

    /** The address an IP literal stands for; empty for anything else, which is never looked up. */
    private static Optional<InetAddress> literal(String text) {
        if (text == null || !(text.indexOf(':') >= 0 || IPV4.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            // an IP literal: no name lookup; ::ffff:127.0.0.1 comes back as the IPv4 address
            return Optional.of(InetAddress.getByName(text));
        }
        catch (UnknownHostException ex) {
            return Optional.empty(); // not a valid literal after all: nobody is trusted from it
        }
    }

}
