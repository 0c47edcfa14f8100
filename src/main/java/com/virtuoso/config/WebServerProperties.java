package com.virtuoso.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.logging.LogLevel;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import com.virtuoso.alerts.WebhookFormat;
import com.virtuoso.container.InContainer;

/**
 * The {@code web_server} block of {@code config/application.yaml}.
 * <p>
 * Spring's own keys win where both are set: {@code server.port} over {@code web_server.port},
 * {@code server.address} over {@code web_server.host}, {@code logging.level.root} over
 * {@code web_server.log_level}.
 * <p>
 * The properties validate themselves (Spring Boot applies a {@link Validator} that the bound
 * object implements, {@code @Validated} or not): plain rules, so that neither the server nor the
 * {@code ports} command line starts a Bean Validation provider. None is on the class path: booting
 * Hibernate Validator cost the server some 600 classes at start, and nothing validated through it.
 */
@ConfigurationProperties("web-server")
public class WebServerProperties implements Validator {

    /** Actuator endpoint ids as Spring Boot's EndpointId takes them without a warning. */
    private static final Pattern ENDPOINT_ID = Pattern.compile("[a-z0-9][a-zA-Z0-9]*");

    /**
     * Address to bind: "0.0.0.0" for every IPv4 and IPv6 address, "127.0.0.1" for this machine only.
     */
    private String host = "0.0.0.0";

    /**
     * Primary port. 0 lets the OS pick any free port.
     */
    private int port = 8000;

    /**
     * Logging level of the server: trace, debug, info, warn, error or off, in any case.
     */
    private LogLevel logLevel = LogLevel.INFO;

    /**
     * Whether to write one access log line per request (Tomcat access log, on standard output).
     */
    private boolean accessLog = true;

    /**
     * Whether to restart on class changes (DevTools). Works under "./mvnw spring-boot:run" only;
     * a packaged jar warns and runs without it.
     */
    private boolean reload = false;

    /**
     * Seconds an idle keep-alive connection stays open before the server closes it.
     */
    private int timeoutKeepAlive = 5;

    /**
     * Ports to try, in order, when the primary port cannot be bound. 0 means any free port the OS
     * picks: a last resort.
     */
    private List<Integer> fallbackPorts = new ArrayList<>(
            List.of(8001, 8002, 8080, 3000, 5000));

    /**
     * Extra ports the server also listens on, on the same host (more entry points for clients).
     * One that cannot be bound is skipped with a warning.
     */
    private List<Integer> additionalPorts = new ArrayList<>();

    /**
     * Ports to try, in order, when management.server.port is set and taken. When none can be
     * bound the management server does not listen, and the trading server runs on.
     */
    private List<Integer> managementFallbackPorts = new ArrayList<>();

    /**
     * Whether to try fallback_ports when the primary port is taken. false fails the start at once
     * (strict mode).
     */
    private boolean autoFallback = true;

    /**
     * Whether to also listen on the primary port, without a restart, once it is free again after
     * a fall back (checked every monitor.interval).
     */
    private boolean reclaim = false;

    /**
     * How long after a reclaim to keep listening on the fallback port (a drain period for its
     * clients) before closing it. Not set: keep both.
     */
    private Duration reclaimReleaseFallbackAfter;

    /**
     * The port monitor.
     */
    private final Monitor monitor = new Monitor();

    /**
     * Alerts about fallbacks, exhaustion, reclaims and monitor findings.
     */
    private final Alerts alerts = new Alerts();

    /**
     * Directory of the instance registry (instances/PID.json) and of the conflict history
     * (port-history.jsonl).
     */
    private String stateDir = System.getProperty("user.home") + "/.virtuoso";

    /**
     * Directory of the Prometheus targets (PID.json, one per running server) for file_sd_configs.
     * Not set: state_dir/prometheus, private like the state directory, which Prometheus running as
     * a user of its own cannot read; set it to a directory outside state_dir to have the files
     * written readable by others (0644; the directory 0755 when the server creates it).
     */
    private String prometheusTargetsDir;

    /**
     * How many starts with a port conflict the history keeps; older ones are dropped.
     */
    private int historyLimit = 100;

    /**
     * Actuator endpoints that clients on other machines may read without credentials, such as
     * [prometheus] for a scraper on another host. Health (status only) is always open; every
     * other endpoint answers remote clients 401 unless they send spring.security.user
     * credentials.
     */
    private List<String> publicEndpoints = new ArrayList<>();

    /**
     * Whether Virtuoso runs in a container, behind a port mapping that forwards its primary port
     * only: auto tells it from /.dockerenv, /run/.containerenv, the container variable or
     * KUBERNETES_SERVICE_HOST; true or false says so. In a container, readiness refuses traffic
     * while the server is not on its primary port.
     */
    private InContainer inContainer = InContainer.AUTO;

    public String getHost() {
        return this.host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return this.port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public LogLevel getLogLevel() {
        return this.logLevel;
    }

    public void setLogLevel(LogLevel logLevel) {
        this.logLevel = logLevel;
    }

    public boolean isAccessLog() {
        return this.accessLog;
    }

    public void setAccessLog(boolean accessLog) {
        this.accessLog = accessLog;
    }

    public boolean isReload() {
        return this.reload;
    }

    public void setReload(boolean reload) {
        this.reload = reload;
    }

    public int getTimeoutKeepAlive() {
        return this.timeoutKeepAlive;
    }

    public void setTimeoutKeepAlive(int timeoutKeepAlive) {
        this.timeoutKeepAlive = timeoutKeepAlive;
    }

    public List<Integer> getFallbackPorts() {
        return this.fallbackPorts;
    }

    public void setFallbackPorts(List<Integer> fallbackPorts) {
        this.fallbackPorts = fallbackPorts;
    }

    public List<Integer> getAdditionalPorts() {
        return this.additionalPorts;
    }

    public void setAdditionalPorts(List<Integer> additionalPorts) {
        this.additionalPorts = additionalPorts;
    }

    public List<Integer> getManagementFallbackPorts() {
        return this.managementFallbackPorts;
    }

    public void setManagementFallbackPorts(List<Integer> managementFallbackPorts) {
        this.managementFallbackPorts = managementFallbackPorts;
    }

    public boolean isAutoFallback() {
        return this.autoFallback;
    }

    public void setAutoFallback(boolean autoFallback) {
        this.autoFallback = autoFallback;
    }

    public boolean isReclaim() {
        return this.reclaim;
    }

    public void setReclaim(boolean reclaim) {
        this.reclaim = reclaim;
    }

    public Duration getReclaimReleaseFallbackAfter() {
        return this.reclaimReleaseFallbackAfter;
    }

    public void setReclaimReleaseFallbackAfter(Duration reclaimReleaseFallbackAfter) {
        this.reclaimReleaseFallbackAfter = reclaimReleaseFallbackAfter;
    }

    public Monitor getMonitor() {
        return this.monitor;
    }

    public Alerts getAlerts() {
        return this.alerts;
    }

    public String getStateDir() {
        return this.stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public String getPrometheusTargetsDir() {
        return this.prometheusTargetsDir;
    }

    public void setPrometheusTargetsDir(String prometheusTargetsDir) {
        this.prometheusTargetsDir = prometheusTargetsDir;
    }

    public int getHistoryLimit() {
        return this.historyLimit;
    }

    public void setHistoryLimit(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    public List<String> getPublicEndpoints() {
        return publicEndpoints;
    }

    public void setPublicEndpoints(List<String> publicEndpoints) {
        this.publicEndpoints = publicEndpoints;
    }

    public InContainer getInContainer() {
        return inContainer;
    }

    public void setInContainer(InContainer inContainer) {
        this.inContainer = inContainer;
    }

    @Override
    public boolean supports(Class<?> type) {
        return WebServerProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        WebServerProperties properties = (WebServerProperties) target;
        requireText(errors, "host", properties.getHost());
        requireRange(errors, "port", properties.getPort(), 0, 65535);
        if (properties.getLogLevel() == null) {
            errors.rejectValue("logLevel", "required", "must be set");
        }
        requireRange(errors, "timeoutKeepAlive", properties.getTimeoutKeepAlive(), 0, 86400);
        requirePorts(errors, "fallbackPorts", properties.getFallbackPorts(), 0);
        requirePorts(errors, "additionalPorts", properties.getAdditionalPorts(), 1);
        requirePorts(errors, "managementFallbackPorts", properties.getManagementFallbackPorts(), 0);
        requireText(errors, "stateDir", properties.getStateDir());
        if (properties.getInContainer() == null) {
            errors.rejectValue("inContainer", "required", "must be auto, true or false");
        }
        if (properties.getPrometheusTargetsDir() != null && properties.getPrometheusTargetsDir().isBlank()) {
            errors.rejectValue("prometheusTargetsDir", "required", "must not be blank: leave it unset for "
                    + "state_dir/prometheus");
        }
        Duration interval = properties.getMonitor().getInterval();
        if (interval == null || interval.compareTo(Duration.ofMillis(100)) < 0) {
            errors.rejectValue("monitor.interval", "range", "must be 100ms or more");
        }
        List<Webhook> webhooks = properties.getAlerts().getWebhooks();
        for (int i = 0; i < webhooks.size(); i++) {
            URI url = webhooks.get(i).getUrl();
            if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    || url.getHost() == null) {
                errors.rejectValue("alerts.webhooks[" + i + "].url", "url", "must be an http or https URL with a host");
            }
            if (webhooks.get(i).getFormat() == null) {
                errors.rejectValue("alerts.webhooks[" + i + "].format", "required",
                        "must be set: a webhook takes only the body it understands");
            }
        }
        Duration dedupWindow = properties.getAlerts().getDedupWindow();
        if (dedupWindow == null || dedupWindow.isNegative() || dedupWindow.isZero()) {
            errors.rejectValue("alerts.dedupWindow", "range", "must be more than 0 (5m, 30s, ...)");
        }
        Duration release = properties.getReclaimReleaseFallbackAfter();
        if (release != null && release.isNegative()) {
            errors.rejectValue("reclaimReleaseFallbackAfter", "range", "must not be negative");
        }
        requireRange(errors, "historyLimit", properties.getHistoryLimit(), 1, 100000);
        List<String> publicEndpoints = properties.getPublicEndpoints();
        for (int i = 0; i < publicEndpoints.size(); i++) {
            String id = publicEndpoints.get(i);
            if (id == null || !ENDPOINT_ID.matcher(id).matches()) {
                errors.rejectValue("publicEndpoints[" + i + "]", "endpoint", "must be an endpoint id: letters and digits, starting with a lowercase letter");
            }
        }
    }

    /**
     * The port monitor: a periodic look at where the server listens and who holds its primary port.
     */
    public static class Monitor {

        /**
         * How often to check (10s, 500ms, ...).
         */
        private Duration interval = Duration.ofSeconds(10);

        public Duration getInterval() {
            return this.interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

    }

    /**
     * Alerts by webhook.
     */
    public static class Alerts {

        /**
         * Where to send alerts: each with a url and a format (discord, slack or generic).
         */
        private List<Webhook> webhooks = new ArrayList<>();

        /**
         * How long the same alert is not sent again, so that a flapping port does not flood the channel.
         */
        private Duration dedupWindow = Duration.ofMinutes(5);

        public List<Webhook> getWebhooks() {
            return this.webhooks;
        }

        public void setWebhooks(List<Webhook> webhooks) {
            this.webhooks = webhooks;
        }

        public Duration getDedupWindow() {
            return this.dedupWindow;
        }

        public void setDedupWindow(Duration dedupWindow) {
            this.dedupWindow = dedupWindow;
        }

    }

    /**
     * One webhook.
     */
    public static class Webhook {

        /**
         * The URL to POST alerts to (http or https).
         */
        private URI url;

        /**
         * The body it expects: discord, slack or generic (the event as JSON). Required: a receiver
         * sent a body it does not understand refuses every alert.
         */
        private WebhookFormat format;

        public URI getUrl() {
            return this.url;
        }

        public void setUrl(URI url) {
            this.url = url;
        }

        public WebhookFormat getFormat() {
            return this.format;
        }

        public void setFormat(WebhookFormat format) {
            this.format = format;
        }

    }

    private static void requirePorts(Errors errors, String field, List<Integer> ports, int min) {
        if (ports == null) {
            errors.rejectValue(field, "required", "must be set");
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            String element = field + "[" + i + "]";
            if (ports.get(i) == null) {
                errors.rejectValue(element, "required", "must be a port number");
            }
            else {
                requireRange(errors, element, ports.get(i), min, 65535);
            }
        }
    }

    private static void requireRange(Errors errors, String field, int value, int min, int max) {
        if (value < min || value > max) {
            errors.rejectValue(field, "range", "must be between " + min + " and " + max);
        }
    }

    private static void requireText(Errors errors, String field, String value) {
        if (value == null || value.isBlank()) {
            errors.rejectValue(field, "required", "must not be blank");
        }
    }

}
