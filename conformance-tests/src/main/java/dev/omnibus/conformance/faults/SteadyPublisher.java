package dev.omnibus.conformance.faults;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.PublishReceipt;
import dev.omnibus.conformance.history.History;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The steady load of the fault tests: publishes {@link History#message kit messages} round-robin over
 * {@code keys} keys at {@code perSecond} messages per second on its own thread, recording every
 * attempt and its outcome in the history, whatever the broker is doing. {@link #close()} stops it and
 * waits for every outcome.
 */
public final class SteadyPublisher implements AutoCloseable {
    private final Thread thread;
    private final List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
    private final Duration patience;
    private final AtomicLong unsuccessful = new AtomicLong();
    private final AtomicLong longestCallNanos = new AtomicLong();
    private volatile boolean running = true;

    /** Starts publishing to {@code topic} at once. */
    public SteadyPublisher(Messaging bus, String topic, History history, int keys, int perSecond, Duration patience) {
        if (keys < 1 || perSecond < keys) {
            throw new IllegalArgumentException("keys must be >= 1 and perSecond >= keys, got keys=" + keys + ", perSecond=" + perSecond);
        }
        this.patience = patience;
        thread = new Thread(() -> {
            long seq = 0;
            long roundNanos = 1_000_000_000L * keys / perSecond;
            long next = System.nanoTime();
            while (running) {
                for (int k = 0; k < keys && running; k++) {
                    Message m = History.message("key-" + k, seq);
                    CompletableFuture<PublishReceipt> f;
                    long called = System.nanoTime();
                    try {
                        f = history.track(m, bus.publish(topic, m));
                    } catch (RuntimeException e) {
                        f = history.track(m, CompletableFuture.failedFuture(e));
                    }
                    longestCallNanos.accumulateAndGet(System.nanoTime() - called, Math::max);
                    f.whenComplete((r, e) -> { if (e != null) unsuccessful.incrementAndGet(); });
                    synchronized (futures) { futures.add(f); }
                }
                seq++;
                next += roundNanos;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
        }, "steady-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Publish attempts made so far. */
    public int attempts() {
        synchronized (futures) { return futures.size(); }
    }

    /** Publishes that have completed with an error so far (definite failures and timeouts alike). */
    public long completedUnsuccessfully() { return unsuccessful.get(); }

    /** The longest time one {@code publish(...)} call took to return its future: publishing must never block. */
    public Duration longestPublishCall() { return Duration.ofNanos(longestCallNanos.get()); }

    /** Stops publishing and waits (at most the patience given) for every publish outcome. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<PublishReceipt>> all;
        synchronized (futures) { all = new ArrayList<>(futures); }
        History.awaitAll(all, patience.toSeconds());
    }
}
