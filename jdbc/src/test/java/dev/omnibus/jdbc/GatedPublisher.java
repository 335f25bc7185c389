package dev.omnibus.jdbc;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.PublishReceipt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link Messaging#publish} with a test hook: the {@code holdAt}-th publish (1-based) is held back
 * until {@link #open()}, so a test can act while the relay is in the middle of a batch. Every publish
 * still goes to the real broker; only the timing of one publish changes.
 */
final class GatedPublisher implements OutboxPublisher {
    private final Messaging delegate;
    private final int holdAt;
    private final AtomicInteger publishes = new AtomicInteger();
    final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);

    GatedPublisher(Messaging delegate, int holdAt) {
        this.delegate = delegate;
        this.holdAt = holdAt;
    }

    void open() { gate.countDown(); }

    @Override
    public CompletableFuture<PublishReceipt> publish(String topic, Message message) {
        if (publishes.incrementAndGet() != holdAt) return delegate.publish(topic, message);
        reached.countDown();
        return CompletableFuture.runAsync(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).thenCompose(v -> delegate.publish(topic, message));
    }
}
