package com.virtuoso.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Sends {@link PortEvent}s to webhooks, never in the way of the server: in the background, with
 * short timeouts, a few retries with growing pauses, and each event once per dedup window. A
 * receiver that stays unreachable costs one warning until it answers again. Webhook URLs carry
 * their token, so every message shows them {@link WebhookUrl#redacted() redacted}.
 */
public final class WebhookAlerts implements AutoCloseable {

    /**
     * A receiver. Its {@link #toString()} shows the URL redacted, as the record prints its components.
     *
     * @param url where to POST
     * @param format the body it understands
     */
    public record Webhook(WebhookUrl url, WebhookFormat format) {

        public Webhook(URI url, WebhookFormat format) {
            this(new WebhookUrl(url), format);
        }

    }

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    static final List<Duration> RETRY_PAUSES = List.of(Duration.ofMillis(200), Duration.ofSeconds(1));

    private final List<Webhook> webhooks;

    private final Duration dedupWindow;

    private final Clock clock;

    private final Consumer<String> warnings;

    private final HttpClient http;

    private final ExecutorService sender;

    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

    private final Set<WebhookUrl> unreachable = ConcurrentHashMap.newKeySet();

    /**
     * Creates the alerts, and tells {@code warnings} once about each webhook whose URL would cross
     * the network unencrypted (see {@link WebhookUrl#cleartextWarning()}): it is built as the
     * server starts, which is when an operator reads such a warning.
     */
    public WebhookAlerts(List<Webhook> webhooks, Duration dedupWindow, Clock clock, Consumer<String> warnings) {
        this.webhooks = List.copyOf(webhooks);
        this.dedupWindow = dedupWindow;
        this.clock = clock;
        this.warnings = warnings;
        this.sender = Executors.newSingleThreadExecutor((task) -> {
            Thread thread = new Thread(task, "virtuoso-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        this.webhooks.forEach((webhook) -> webhook.url().cleartextWarning().ifPresent(warnings));
    }

    /** Sends {@code event} to every webhook in the background, unless it was sent within the dedup window. */
    public CompletableFuture<Void> send(PortEvent event) {
        Instant now = clock.instant();
        Instant previous = lastSent.get(event.dedupKey());
        if (webhooks.isEmpty() || (previous != null && now.isBefore(previous.plus(dedupWindow)))) {
            return CompletableFuture.completedFuture(null);
        }
        lastSent.put(event.dedupKey(), now);
        return CompletableFuture.allOf(webhooks.stream()
            .map((webhook) -> CompletableFuture.runAsync(() -> deliver(webhook, event), sender))
            .toArray(CompletableFuture[]::new));
    }

    /** Sends {@code event} and waits for the deliveries, at most {@code within}: for a process about to exit. */
    public void sendAndWait(PortEvent event, Duration within) {
        try {
            send(event).get(within.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            warnings.accept("Webhook alerts were not all delivered within " + within.toMillis() + " ms");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException ex) {
            warnings.accept("Webhook alerts failed: " + ex.getCause());
        }
    }

    private void deliver(Webhook webhook, PortEvent event) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(webhook.url().uri())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(webhook.format().body(event)))
                .build();
        }
        catch (IllegalArgumentException ex) {
            // the client's message quotes the whole URL
            warnUnreachable(webhook, event, "the HTTP client cannot send to this URL");
            return;
        }
        String failure = null;
        for (int attempt = 0; attempt <= RETRY_PAUSES.size(); attempt++) {
            if (attempt > 0) {
                pause(RETRY_PAUSES.get(attempt - 1));
            }
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 300) {
                    unreachable.remove(webhook.url());
                    return;
                }
                failure = "HTTP " + status;
                if (status < 500 && status != 429) {
                    break; // the receiver refuses this request: sending it again will not help
                }
            }
            catch (IOException ex) {
                failure = webhook.url().scrub(ex.toString());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        warnUnreachable(webhook, event, failure);
    }

    private void warnUnreachable(Webhook webhook, PortEvent event, String failure) {
        if (unreachable.add(webhook.url())) {
            warnings.accept("Webhook " + webhook.url() + " did not take the " + event.type() + " alert (" + failure
                    + "); further failures of this webhook are not logged until it answers again");
        }
    }

    private static void pause(Duration duration) {
        // backoff between retries, on the background sender thread
        LockSupport.parkNanos(duration.toNanos());
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }

}
