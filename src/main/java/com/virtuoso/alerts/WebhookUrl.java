package com.virtuoso.alerts;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The URL of a webhook, which is a secret: Discord, Slack and most receivers let whoever knows the
 * URL post to the channel, because the token is in its path or query. So {@link #toString()} is
 * the {@link #redacted()} form, and the full URL is only ever given to the HTTP client, never to
 * a log line, {@code show-config} or an error message.
 *
 * @param uri the full URL, to send to
 */
public record WebhookUrl(URI uri) {

    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private static final int FINGERPRINT_LENGTH = 4;

    public WebhookUrl {
        Objects.requireNonNull(uri, "uri must not be null");
    }

    /**
     * The URL as it may be shown: scheme, host and port, then {@code /…} for the user-info, path
     * and query it hides, then {@code #} and the {@link #fingerprint()}, such as
     * {@code https://discord.com/…#3f9a}.
     */
    public String redacted() {
        StringBuilder shown = new StringBuilder();
        if (uri.getScheme() != null) {
            shown.append(uri.getScheme()).append(':');
        }
        if (uri.getHost() != null) {
            shown.append("//").append(uri.getHost());
            if (uri.getPort() != -1) {
                shown.append(':').append(uri.getPort());
            }
            shown.append('/');
        }
        return shown.append("…#").append(fingerprint()).toString();
    }

    /**
     * The first hex digits of the SHA-256 of the full URL: the same for the same URL on every run
     * and machine, so that two webhooks on one host (two Discord channels) can be told apart, and
     * too short to tell anything about the token.
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(uri.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, FINGERPRINT_LENGTH);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }

    /**
     * A warning when alerts, and the token in this URL, would cross the network unencrypted: plain
     * {@code http} to a host other than this machine. Whether the host is this machine is decided
     * from the host as written ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}), never by a DNS
     * lookup, which could hold up the start; any other name counts as another machine.
     * @return the warning, or empty when the URL is https or loopback
     */
    public Optional<String> cleartextWarning() {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || isLoopback(uri.getHost())) {
            return Optional.empty();
        }
        return Optional.of("Webhook " + redacted() + " uses plain http to another machine: the alerts and the "
                + "token in its URL cross the network unencrypted. Fix: use its https:// URL.");
    }

    /**
     * {@code text} with this URL and the parts it hides (user-info, path, query) replaced, for a
     * message that did not come from here, such as an exception's.
     */
    String scrub(String text) {
        String scrubbed = text.replace(uri.toString(), redacted());
        for (String secret : new String[] { uri.getRawUserInfo(), uri.getRawQuery(), uri.getRawPath() }) {
            if (secret != null && secret.length() > 1) {
                scrubbed = scrubbed.replace(secret, "…");
            }
        }
        return scrubbed;
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || LOOPBACK_IPV4.matcher(name).matches()) {
            return true;
        }
        if (name.startsWith("[") && name.contains(":")) {
            try {
                // a bracketed host with a colon is parsed as an IPv6 literal, never looked up
                return InetAddress.getByName(name).isLoopbackAddress();
            }
            catch (UnknownHostException ex) {
                return false; // not a valid literal, so not this machine's loopback address
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return redacted();
    }

}
