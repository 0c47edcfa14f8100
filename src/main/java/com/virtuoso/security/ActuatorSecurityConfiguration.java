package com.virtuoso.security;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

import com.virtuoso.config.WebServerProperties;

/**
 * Who may read the actuator endpoints, on every port the server listens on.
 * <ul>
 * <li>A client on this machine (a loopback TCP peer, not relayed, naming a loopback host: see
 * {@link LoopbackPeerValve}) gets everything, as before endpoints were secured.</li>
 * <li>Any other client gets health and its probe groups, status only, the endpoints listed in
 * {@code web_server.public_endpoints}, and 401 elsewhere.</li>
 * <li>With Spring Boot's {@code spring.security.user.name}/{@code password} set, a remote client
 * that sends them (HTTP basic) gets what a local one gets. Without them, remote access stays
 * closed: no user exists, and Spring Boot's generated password is never made (nor logged).</li>
 * </ul>
 * The status page at {@code /} (see {@link StatusPageRequests}) follows the same rules: it is open to
 * every client, and shows everything to a client the chain authenticated (a local one, or a remote
 * one with the credentials) and the status alone to others; {@code /?sign-in} asks a remote
 * browser for the credentials.
 * <p>
 * Other requests outside the actuator are not this chain's business: the trading API keeps its own rules.
 */
@Configuration(proxyBeanMethods = false)
public class ActuatorSecurityConfiguration {

    private static final Log logger = LogFactory.getLog(ActuatorSecurityConfiguration.class);

    private static final String PASSWORD = "spring.security.user.password";

    /** A read that brought no credentials: those are checked by the full chain, right or wrong. */
    private static final RequestMatcher LOCAL_READ = (request) -> ("GET".equals(request.getMethod())
            || "HEAD".equals(request.getMethod())) && request.getHeader(HttpHeaders.AUTHORIZATION) == null;

    /**
     * A local client's reads (GET or HEAD, no credentials of its own): everything is theirs, so of
     * Spring Security's filters only those that still do something for them run: the firewall,
     * the security headers, the local authentication (which health's details and the servlet API
     * see) and the authorization. CSRF protects no read, and no session, login or logout exists to
     * manage; leaving those filters out halves the cost of the chain on the requests a health
     * poller on the host sends many times a second. Every other request, local writes included,
     * goes through {@link #actuatorSecurityFilterChain} with CSRF protection.
     */
    @Bean
    @Order(1)
    SecurityFilterChain localReadsSecurityFilterChain(HttpSecurity http) {
        // the two cheap questions first: most requests of a busy remote client stop there
        http.securityMatcher(
                new AndRequestMatcher(LoopbackPeerValve::isLocalClient, LOCAL_READ, securedRequests()));
        http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
        http.addFilterBefore(new LoopbackClientAuthenticationFilter(), AuthorizationFilter.class);
        http.csrf((csrf) -> csrf.disable());
        http.logout((logout) -> logout.disable());
        http.anonymous((anonymous) -> anonymous.disable());
        http.requestCache((cache) -> cache.disable());
        http.sessionManagement((sessions) -> sessions.disable());
        http.securityContext(
                (context) -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http, WebServerProperties properties) {
        List<String> publicEndpoints = properties.getPublicEndpoints();
        if (publicEndpoints.contains("ports")) {
            logger.warn("web_server.public_endpoints opens 'ports' to every client on the network: it shows other "
                    + "processes' PIDs, users and command lines. Prefer spring.security.user credentials");
        }
        http.securityMatcher(securedRequests());
        http.authorizeHttpRequests((requests) -> {
            requests.requestMatchers(healthRequests()).permitAll();
            // the page shows a client what it may see; only asking to sign in needs credentials
            requests.requestMatchers(StatusPageRequests.signIn()).authenticated();
            requests.requestMatchers(StatusPageRequests.all()).permitAll();
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
        // no login, so nothing to log out of: the filter would only ever match POST /logout
        http.logout((logout) -> logout.disable());
        return http.build();
    }

    /** What the chains secure: the actuator and the status page. */
    private static RequestMatcher securedRequests() {
        return new OrRequestMatcher(actuatorRequests(), StatusPageRequests.all());
    }

    /** Every actuator endpoint, and health's additional paths (the probes) on either server. */
    private static RequestMatcher actuatorRequests() {
        return new OrRequestMatcher(EndpointRequest.toAnyEndpoint(), healthRequests());
    }

    private static RequestMatcher healthRequests() {
        return new OrRequestMatcher(EndpointRequest.to(HealthEndpoint.class),
                EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, HealthEndpoint.class),
                EndpointRequest.toAdditionalPaths(WebServerNamespace.MANAGEMENT, HealthEndpoint.class));
    }

    /**
     * Spring Security observes, by default, every request twice over: the filter chain (an
     * observation around it and events before and after each of its filters) and the
     * authorization decision, each a timer and an active-task timer in the meter registry. With
     * health polled many times a second that is the largest cost of a request beyond Spring MVC,
     * and it tells nothing {@code http.server.requests} does not (401s included). Authentications
     * (a remote client's credentials, right or wrong) stay observed: they are rare and worth seeing.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.withDefaults()
            .shouldObserveRequests(false)
            .shouldObserveAuthorizations(false)
            .build();
    }

    /**
     * Spring Security's firewall with its own rules, every one of them, but header names and
     * values checked without a regular expression (see {@link HeaderCharacters}).
     */
    @Bean
    StrictHttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters.NAME);
        firewall.setAllowedHeaderValues(HeaderCharacters.VALUE);
        firewall.setAllowedParameterNames(HeaderCharacters.NAME);
        return firewall;
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

    /**
     * No {@code spring.security.user.password}, or an empty one (as {@code ${OPS_PASSWORD:}} gives
     * when the variable is unset), which Spring Boot would replace by a generated password.
     */
    static final class NoPasswordConfigured extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean configured = StringUtils.hasLength(context.getEnvironment().getProperty(PASSWORD));
            return configured ? ConditionOutcome.noMatch(PASSWORD + " is set")
                    : ConditionOutcome.match(PASSWORD + " is not set");
        }

    }

}
