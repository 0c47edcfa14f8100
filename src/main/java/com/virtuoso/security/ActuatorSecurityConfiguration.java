package com.virtuoso.security;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import com.virtuoso.config.WebServerProperties;

/**
 * Who may read the actuator endpoints, on every port the server listens on.
 * <ul>
 * <li>A client on this machine (TCP peer on loopback) gets everything, as before endpoints were
 * secured.</li>
 * <li>Any other client gets health and its probe groups, status only, the endpoints listed in
 * {@code web_server.public_endpoints}, and 401 elsewhere.</li>
 * <li>With Spring Boot's {@code spring.security.user.name}/{@code password} set, a remote client
 * that sends them (HTTP basic) gets what a local one gets. Without them, remote access stays
 * closed: no user exists, and Spring Boot's generated password is never made (nor logged).</li>
 * </ul>
 * Requests outside the actuator are not this chain's business: the trading API keeps its own rules.
 */
@Configuration(proxyBeanMethods = false)
public class ActuatorSecurityConfiguration {

    @Bean
    SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http, WebServerProperties properties) {
        RequestMatcher health = new OrRequestMatcher(EndpointRequest.to(HealthEndpoint.class),
                EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, HealthEndpoint.class),
                EndpointRequest.toAdditionalPaths(WebServerNamespace.MANAGEMENT, HealthEndpoint.class));
        List<String> publicEndpoints = properties.getPublicEndpoints();
        http.securityMatcher(new OrRequestMatcher(EndpointRequest.toAnyEndpoint(), health));
        http.authorizeHttpRequests((requests) -> {
            requests.requestMatchers(health).permitAll();
            if (!publicEndpoints.isEmpty()) {
                requests.requestMatchers(EndpointRequest.to(publicEndpoints.toArray(String[]::new))).permitAll();
            }
            requests.anyRequest().authenticated();
        });
        http.addFilterAfter(new LoopbackClientAuthenticationFilter(), BasicAuthenticationFilter.class);
        http.httpBasic(Customizer.withDefaults());
        // every request authenticates on its own: no session, nothing remembered between requests
        http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.requestCache((cache) -> cache.disable());
        return http.build();
    }

    /** Every listener of the main server (fallback, additional, reclaimed) shares the engine's valves. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> loopbackPeerValveCustomizer() {
        return LoopbackPeerValve::addTo;
    }

    /** No credentials configured: an empty user store, so Spring Boot generates no password. */
    @Bean
    @Conditional(NoPasswordConfigured.class)
    InMemoryUserDetailsManager noRemoteUsers() {
        return new InMemoryUserDetailsManager();
    }

    @Bean
    CleartextCredentialsWarning cleartextCredentialsWarning(SecurityProperties security, ServerProperties server,
            ObjectProvider<ManagementServerProperties> management) {
        return new CleartextCredentialsWarning(security, server, management.getIfAvailable());
    }

    static final class NoPasswordConfigured extends NoneNestedConditions {

        NoPasswordConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("spring.security.user.password")
        static final class PasswordConfigured {

        }

    }

}
