package com.virtuoso.status;

import java.nio.charset.StandardCharsets;
import java.security.Principal;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import com.virtuoso.security.StatusPageRequests;
import com.virtuoso.server.PortsEndpoint;

/**
 * The status page at {@code /} and the report its script refreshes from, on the main server's
 * ports (the management server, which may have moved, has neither).
 * <p>
 * A client the security chain authenticated (one on this machine, or one that sent the
 * configured credentials) may read {@code /actuator/ports}, and sees the page in full; any
 * other client sees the health status alone, as {@code /actuator/health} shows it to them.
 */
@Controller
class StatusPageController {

    /**
     * Only the page's own script and style run: should an escape ever be missed, text injected
     * by another process's command line still cannot run or load anything.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private final PortsEndpoint ports;

    private final ObjectProvider<HealthEndpoint> health;

    StatusPageController(PortsEndpoint ports, ObjectProvider<HealthEndpoint> health) {
        this.ports = ports;
        this.health = health;
    }

    @GetMapping(StatusPageRequests.PAGE)
    ResponseEntity<String> page(Principal principal) {
        return ResponseEntity.ok()
            .contentType(HTML)
            .cacheControl(CacheControl.noStore())
            .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            .body(StatusPage.render(view(principal)));
    }

    @GetMapping(path = StatusPageRequests.REPORT, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<StatusView> report(Principal principal) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view(principal));
    }

    /**
     * {@code principal} is the authenticated client; {@code null} for an anonymous one, and for a
     * request no security chain saw: the status alone, then.
     */
    private StatusView view(Principal principal) {
        String status = healthStatus();
        return (principal != null) ? StatusView.of(status, ports.ports()) : StatusView.statusOnly(status);
    }

    /** The aggregate health status; {@code UNKNOWN} when the health endpoint is turned off. */
    private String healthStatus() {
        HealthEndpoint endpoint = health.getIfAvailable();
        return (endpoint != null) ? endpoint.health().getStatus().getCode() : "UNKNOWN";
    }

}
