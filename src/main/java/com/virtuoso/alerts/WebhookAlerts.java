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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Sends {@link PortEvent}s to webhooks, never in the way of the server: in the background, with
 * short timeouts, a few retries with growing pauses, and each event once per dedup window. A
 * receiver that stays unreachable costs one warning until it answers again. Webhook URLs carry
 * their token, so every message shows them {@link WebhookUrl#redacted() redacted}.
 * <p>
 * Nothing here can pile up: each delivery, retries included, has an overall deadline (a receiver
 * that answers its headers and then trickles its body would otherwise hold the one sender thread
 * for ever), and at most {@value #QUEUE_CAPACITY} deliveries wait; beyond that the oldest is
 * dropped, with one warning until the queue has emptied.
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

    /** Room for every alert of a burst across a few webhooks; a longer queue means a stuck receiver. */
    static final int QUEUE_CAPACITY = 100;

    /** Three attempts with their timeouts and pauses, and some slack. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final List<Webhook> webhooks;

    private final Duration dedupWindow;

    private final Clock clock;

    private final Consumer<String> warnings;

    /**
     * Made for the first delivery, not with the alerts: a JDK HTTP client sets up TLS as it is
     * built (the trust store and some 300 classes), a cost that does not belong before the server
     * listens, nor in a server without webhooks. Used by the sender thread only; {@link #http()} is
     * synchronized all the same, as the executor replaces that thread should it die.
     */
    private HttpClient http;

    private final ThreadPoolExecutor sender;

    private final Duration deadline;

    private final AtomicBoolean dropping = new AtomicBoolean();

    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

    private final Set<WebhookUrl> unreachable = ConcurrentHashMap.newKeySet();

    /**
     * Creates the alerts, and tells {@code warnings} once about each webhook whose URL would cross
     * the network unencrypted (see {@link WebhookUrl#cleartextWarning()}): it is built as the
     * server starts, which is when an operator reads such a warning.
     */
    public WebhookAlerts(List<Webhook> webhooks, Duration dedupWindow, Clock clock, Consumer<String> warnings) {
        this(webhooks, dedupWindow, clock, warnings, QUEUE_CAPACITY, DEADLINE);
    }

    /** With a queue capacity and deadline of its own, for tests that fill the queue or outlast the deadline. */
    WebhookAlerts(List<Webhook> webhooks, Duration dedupWindow, Clock clock, Consumer<String> warnings,
            int queueCapacity, Duration deadline) {
        this.webhooks = List.copyOf(webhooks);
        this.dedupWindow = dedupWindow;
        this.clock = clock;
        this.warnings = warnings;
        this.deadline = deadline;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
                (task) -> {
                    Thread thread = new Thread(task, "virtuoso-webhooks");
                    thread.setDaemon(true);
                    return thread;
                }, (task, executor) -> dropOldest(task));
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
        return CompletableFuture.allOf(webhooks.stream().map((webhook) -> {
            Delivery delivery = new Delivery(webhook, event);
            sender.execute(delivery);
            return delivery.done();
        }).toArray(CompletableFuture[]::new));
    }

    /**
     * The queue is full: drops its oldest delivery for {@code task}, warning once until the queue
     * has emptied. After {@link #close()}, drops {@code task} itself.
     */
    private void dropOldest(Runnable task) {
        if (sender.isShutdown()) {
            ((Delivery) task).done().complete(null);
            return;
        }
        Runnable oldest = sender.getQueue().poll();
        if (oldest instanceof Delivery dropped) {
            dropped.done().complete(null);
            if (dropping.compareAndSet(false, true)) {
                warnings.accept("Webhook alerts come faster than they can be delivered: the oldest waiting one ("
                        + dropped.event().type() + " to " + dropped.webhook().url() + ") was dropped; at most "
                        + (sender.getQueue().size() + sender.getQueue().remainingCapacity())
                        + " wait, and further drops are not logged until the queue has emptied");
            }
        }
        sender.execute(task);
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
        long end = System.nanoTime() + deadline.toNanos();
        String failure = null;
        for (int attempt = 0; attempt <= RETRY_PAUSES.size(); attempt++) {
            if (attempt > 0) {
                pause(RETRY_PAUSES.get(attempt - 1), end);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                failure = "no answer within the deadline of " + deadline.toMillis() + " ms";
                break;
            }
            CompletableFuture<HttpResponse<Void>> response = http().sendAsync(request,
                    HttpResponse.BodyHandlers.discarding());
            try {
                int status = response.get(left, TimeUnit.NANOSECONDS).statusCode();
                if (status < 300) {
                    unreachable.remove(webhook.url());
                    return;
                }
                failure = "HTTP " + status;
                if (status < 500 && status != 429) {
                    break; // the receiver refuses this request: sending it again will not help
                }
            }
            catch (TimeoutException ex) {
                response.cancel(true);
                failure = "no answer within the deadline of " + deadline.toMillis() + " ms";
                break;
            }
            catch (ExecutionException ex) {
                failure = webhook.url().scrub(String.valueOf(ex.getCause()));
            }
            catch (InterruptedException ex) {
                response.cancel(true);
                Thread.currentThread().interrupt();
                return;
            }
        }
        warnUnreachable(webhook, event, failure);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        }
        return http;
    }

    private void warnUnreachable(Webhook webhook, PortEvent event, String failure) {
        if (unreachable.add(webhook.url())) {
            warnings.accept("Webhook " + webhook.url() + " did not take the " + event.type() + " alert (" + failure
                    + "); further failures of this webhook are not logged until it answers again");
        }
    }

    private static void pause(Duration duration, long end) {
        // backoff between retries, on the background sender thread, never past the deadline
        LockSupport.parkNanos(Math.min(duration.toNanos(), end - System.nanoTime()));
    }

    @Override
    public void close() {
        sender.shutdownNow().forEach((task) -> ((Delivery) task).done().complete(null));
    }

    /**
     * One event for one webhook, and the future its sender waits on: completed when the delivery
     * is over, whatever its outcome, and when it is dropped, so that no caller waits for ever. A
     * failure nobody expected is logged here: the future is not one a caller reads.
     */
    private final class Delivery implements Runnable {

        private final Webhook webhook;

        private final PortEvent event;

        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private Delivery(Webhook webhook, PortEvent event) {
            this.webhook = webhook;
            this.event = event;
        }

        Webhook webhook() {
            return this.webhook;
        }

        PortEvent event() {
            return this.event;
        }

        CompletableFuture<Void> done() {
            return this.done;
        }

        @Override
        public void run() {
            try {
                deliver(this.webhook, this.event);
            }
            catch (RuntimeException ex) {
                warnings.accept("Webhook " + this.webhook.url() + " did not take the " + this.event.type()
                        + " alert: " + this.webhook.url().scrub(ex.toString()));
            }
            finally {
                if (sender.getQueue().isEmpty()) {
                    dropping.set(false);
                }
                this.done.complete(null);
            }
        }

    }

}
