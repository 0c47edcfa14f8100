package com.virtuoso.config;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.logging.LogLevel;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code web_server} block of {@code config/application.yaml}.
 * <p>
 * Spring's own keys win where both are set: {@code server.port} over {@code web_server.port},
 * {@code server.address} over {@code web_server.host}, {@code logging.level.root} over
 * {@code web_server.log_level}.
 */
@Validated
@ConfigurationProperties("web-server")
public class WebServerProperties {

    /**
     * Address to bind: "0.0.0.0" for every IPv4 and IPv6 address, "127.0.0.1" for this machine only.
     */
    @NotBlank
    private String host = "0.0.0.0";

    /**
     * Primary port. 0 lets the OS pick any free port.
     */
    @Min(0)
    @Max(65535)
    private int port = 8000;

    /**
     * Logging level of the server: trace, debug, info, warn, error or off, in any case.
     */
    @NotNull
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
    @Min(0)
    @Max(86400)
    private int timeoutKeepAlive = 5;

    /**
     * Ports to try, in order, when the primary port cannot be bound. 0 means any free port the OS
     * picks: a last resort.
     */
    @NotNull
    private List<@NotNull @Min(0) @Max(65535) Integer> fallbackPorts = new ArrayList<>(
            List.of(8001, 8002, 8080, 3000, 5000));

    /**
     * Whether to try fallback_ports when the primary port is taken. false fails the start at once
     * (strict mode).
     */
    private boolean autoFallback = true;

    /**
     * Directory of the instance registry (instances/PID.json) and of the conflict history
     * (port-history.jsonl).
     */
    @NotBlank
    private String stateDir = System.getProperty("user.home") + "/.virtuoso";

    /**
     * How many starts with a port conflict the history keeps; older ones are dropped.
     */
    @Min(1)
    @Max(100000)
    private int historyLimit = 100;

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

    public boolean isAutoFallback() {
        return this.autoFallback;
    }

    public void setAutoFallback(boolean autoFallback) {
        this.autoFallback = autoFallback;
    }

    public String getStateDir() {
        return this.stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public int getHistoryLimit() {
        return this.historyLimit;
    }

    public void setHistoryLimit(int historyLimit) {
        this.historyLimit = historyLimit;
    }

}
