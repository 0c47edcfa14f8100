package com.virtuoso.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a client on this machine (see {@link LoopbackPeerValve} for what that means)
 * as the {@value #PRINCIPAL}, so that it keeps everything an operator on the machine had before
 * endpoints were secured: every endpoint, and health with its components and details (which
 * Spring Boot shows to authenticated clients under {@code show-details: when-authorized}).
 * <p>
 * A request that brought credentials of its own is left to them.
 */
final class LoopbackClientAuthenticationFilter extends OncePerRequestFilter {

    static final String PRINCIPAL = "local-client";

    private static final Authentication LOCAL_CLIENT = UsernamePasswordAuthenticationToken.authenticated(PRINCIPAL,
            null, AuthorityUtils.NO_AUTHORITIES);

    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (LoopbackPeerValve.isLocalClient(request) && contexts.getContext().getAuthentication() == null) {
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(LOCAL_CLIENT);
            contexts.setContext(context);
        }
        chain.doFilter(request, response);
    }

}
