package com.virtuoso.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

/**
 * Marks each request whose TCP peer is a loopback address, before anything can rewrite the
 * client's address.
 * <p>
 * {@code getRemoteAddr()} is not the peer once forwarded headers are honoured: Tomcat's
 * {@code RemoteIpValve} ({@code server.forward-headers-strategy: native}, on by itself on
 * Kubernetes) and Spring's {@code ForwardedHeaderFilter} ({@code framework}) both replace it with
 * the {@code X-Forwarded-For} value, which any client can send. Tomcat keeps the connection's
 * own address as the peer address; this valve reads that and stores the answer in a request
 * attribute, which no client can set.
 */
public final class LoopbackPeerValve extends ValveBase {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    static final String ATTRIBUTE = LoopbackPeerValve.class.getName() + ".loopback";

    public LoopbackPeerValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        request.setAttribute(ATTRIBUTE, isLoopback(request.getPeerAddr()));
        getNext().invoke(request, response);
    }

    /** Adds the valve to {@code factory}'s engine, once. */
    static void addTo(TomcatServletWebServerFactory factory) {
        if (factory.getEngineValves().stream().noneMatch(LoopbackPeerValve.class::isInstance)) {
            factory.addEngineValves(new LoopbackPeerValve());
        }
    }

    /** Whether this valve saw the request come from a loopback peer; {@code false} when it did not see it. */
    static boolean isLoopbackPeer(ServletRequest request) {
        return Boolean.TRUE.equals(request.getAttribute(ATTRIBUTE));
    }

    static boolean isLoopback(String peerAddress) {
        if (peerAddress == null || !(peerAddress.indexOf(':') >= 0 || IPV4.matcher(peerAddress).matches())) {
            return false; // not an IP literal (a Unix socket, or nothing): never trusted as local
        }
        try {
            // an IP literal: no name lookup; ::ffff:127.0.0.1 comes back as the IPv4 address
            return InetAddress.getByName(peerAddress).isLoopbackAddress();
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

}
