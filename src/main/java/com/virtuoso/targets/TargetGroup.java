package com.virtuoso.targets;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.virtuoso.instances.InstanceRecord;

/**
 * One Prometheus target group, as file-based service discovery ({@code file_sd_configs}) reads
 * it: where to scrape, and labels that Prometheus attaches to every series scraped there.
 *
 * @param targets {@code HOST:PORT}, an IPv6 host in brackets
 * @param labels label names match {@code [a-zA-Z_][a-zA-Z0-9_]*}; values are strings, as Prometheus requires
 */
public record TargetGroup(List<String> targets, Map<String, String> labels) {

    /**
     * Shaped like an IPv4 or IPv6 literal, as the registry records the listening address: only
     * such a host is parsed, so that a name is never looked up here.
     */
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    /** The port the server was configured to listen on. */
    public static final String PRIMARY_PORT = "primary_port";

    /** {@code "true"} while the server serves on a port other than its primary one. */
    public static final String FELL_BACK = "fell_back";

    /**
     * Which machine and process namespace wrote the file (boot id and pid namespace), so that a
     * server prunes only the files of its own namespace's dead servers. Prometheus drops labels
     * that start with two underscores after relabelling: no series carries it.
     */
    public static final String WRITER = "__virtuoso_writer";

    /** Where Prometheus finds the server {@code instance} describes, written from namespace {@code writer}. */
    public static TargetGroup of(InstanceRecord instance, String writer) {
        // a server on port 0 (any free port) never falls back, whatever port the OS gave it
        boolean fellBack = instance.primaryPort() != 0 && instance.port() != instance.primaryPort();
        // sorted: the same server gives the same file, byte for byte
        Map<String, String> labels = new TreeMap<>(Map.of(PRIMARY_PORT, Integer.toString(instance.primaryPort()),
                FELL_BACK, Boolean.toString(fellBack), WRITER, writer));
        return new TargetGroup(List.of(scrapeHost(instance.host()) + ":" + instance.port()),
                Collections.unmodifiableMap(labels));
    }

    /**
     * The host to scrape a server listening on {@code host}: a wildcard address is not one a
     * client can connect to, so the loopback address of its family stands for it (a Prometheus
     * on this machine; one elsewhere needs the server bound to an address it can reach).
     */
    static String scrapeHost(String host) {
        if (!ADDRESS_LITERAL.matcher(host).matches()) {
            return host; // a name, in a record edited by hand: Prometheus resolves it itself
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host); // a literal: parsed, never looked up
        }
        catch (UnknownHostException ex) {
            return host; // shaped like a literal but not one: Prometheus reports the target as it is
        }
        if (address.isAnyLocalAddress()) {
            return (address instanceof Inet6Address) ? "[::1]" : "127.0.0.1";
        }
        return (address instanceof Inet6Address) ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

}
