package com.virtuoso.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code web_server} keys as operators write them, and what each one accepts.
 */
public final class ConfigKeys {

    static final String PREFIX = "web-server";

    private static final Map<String, String> ACCEPTED = Map.ofEntries(
            Map.entry("host", "an IP address of this machine, such as 0.0.0.0 (all) or 127.0.0.1 (this machine only)"),
            Map.entry("port", "a port number from 0 to 65535 (0: any free port)"),
            Map.entry("fallback-ports", "a list of port numbers from 0 to 65535, such as [8001, 8002]"),
            Map.entry("management-fallback-ports", "a list of port numbers from 0 to 65535, such as [9091, 0]"),
            Map.entry("additional-ports", "a list of port numbers from 1 to 65535, such as [9001, 9002]"),
            Map.entry("log-level", "one of trace, debug, info, warn, error, off"),
            Map.entry("access-log", "true or false"), Map.entry("reload", "true or false"),
            Map.entry("auto-fallback", "true or false"),
            Map.entry("timeout-keep-alive", "a whole number of seconds from 0 to 86400"),
            Map.entry("state-dir", "a directory path"),
            Map.entry("prometheus-targets-dir", "a directory path, readable by Prometheus's user"),
            Map.entry("reclaim", "true or false"),
            Map.entry("reclaim-release-fallback-after", "a duration such as 30s, 500ms or 2m"),
            Map.entry("monitor.interval", "a duration of 100ms or more, such as 10s"),
            Map.entry("alerts.webhooks", "a list of {url: https://..., format: discord|slack|generic}"),
            Map.entry("alerts.webhooks.url",
                    "the https:// URL the receiver gave (https://discord.com/api/webhooks/... for Discord)"),
            Map.entry("alerts.webhooks.format", "one of discord, slack, generic"),
            Map.entry("alerts.dedup-window", "a duration such as 5m"),
            Map.entry("history-limit", "a whole number from 1 to 100000"),
            Map.entry("public-endpoints", "a list of actuator endpoint ids, such as [prometheus]"),
            Map.entry("in-container", "auto, true or false"));

    private ConfigKeys() {
    }

    /** {@code web-server.fallback-ports[2]} as the YAML writes it: {@code web_server.fallback_ports[2]}. */
    static String display(String canonicalKey) {
        return canonicalKey.startsWith(PREFIX + ".") ? canonicalKey.replace('-', '_') : canonicalKey;
    }

    /** What {@code canonicalKey} accepts, or {@code null} when it is not a web_server key. */
    static String accepted(String canonicalKey) {
        if (canonicalKey.equals("server.port")) {
            return ACCEPTED.get("port");
        }
        if (!canonicalKey.startsWith(PREFIX + ".")) {
            return null;
        }
        String leaf = canonicalKey.substring(PREFIX.length() + 1).replaceAll("\\[\\d+]", "");
        return ACCEPTED.get(leaf);
    }

    /**
     * Whether the value of {@code canonicalKey} may hold a secret and so is never shown in full: any
     * webhook value but its format, since a mistyped {@code url} key holds the URL, token and all.
     */
    static boolean secret(String canonicalKey) {
        return canonicalKey.startsWith(PREFIX + ".alerts.webhooks[") && !canonicalKey.endsWith(".format");
    }

    /**
     * The top-level web_server settings ({@code port}, {@code fallback_ports}; not the nested
     * {@code monitor.interval}) as the YAML writes them, each with what it accepts ({@code true or
     * false} for a switch), in the order of their names.
     */
    public static Map<String, String> topLevelSettings() {
        Map<String, String> settings = new TreeMap<>();
        ACCEPTED.forEach((leaf, accepted) -> {
            if (!leaf.contains(".")) {
                settings.put(leaf.replace('-', '_'), accepted);
            }
        });
        return settings;
    }

    /** The web_server keys there are, as the YAML writes them. */
    static String known() {
        return String.join(", ", ACCEPTED.keySet().stream().sorted().map(key -> key.replace('-', '_')).toList());
    }

}
