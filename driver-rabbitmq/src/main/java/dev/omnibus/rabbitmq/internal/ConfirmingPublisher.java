package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.omnibus.Position;
import dev.omnibus.PublishException;
import dev.omnibus.PublishReceipt;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One channel in publisher-confirm mode. Publishing takes the channel's lock only for the
 * {@code basicPublish} frame write; confirms arrive asynchronously on the connection thread and complete
 * the futures (on {@code completions}, never on the I/O thread) by sequence number, {@code multiple}
 * acks completing every outstanding publish up to the tag. A nack fails the future; losing the channel
 * (connection loss, channel error) fails every outstanding future as indeterminate, because the broker
 * may or may not have stored those messages, and the publisher never silently forgets one.
 */
final class ConfirmingPublisher {
    private record Pending(CompletableFuture<PublishReceipt> future, String topic, String messageId, long deadlineNanos,
                           boolean timed) {}

    /** Where a timed publish goes: decided when its frame is written ({@link #publishTimed}). */
    record Route(String exchange, String routingKey) {}

    /** A timed publish waiting for room in the window. */
    private record Waiting(Supplier<Route> route, AMQP.BasicProperties props, byte[] body, String topic, String messageId,
                           CompletableFuture<PublishReceipt> future) {}

    /**
     * Most timed publishes written and not yet confirmed per channel. A delay counts from the moment the broker
     * enqueues the message, so a timed publish computes its route (its delay) when its frame is written, and the
     * window keeps what is written but not yet enqueued small: a burst of scheduled publishes waits here, in
     * publish order, instead of in socket buffers where its delays would already be running late.
     */
    static final int TIMED_WINDOW = 256;

    private final Channel channel;
    private final Executor completions;
    private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
    private final Duration confirmTimeout;
    private final java.util.concurrent.ConcurrentLinkedQueue<Waiting> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger timedOutstanding = new java.util.concurrent.atomic.AtomicInteger();

    ConfirmingPublisher(Channel channel, Executor completions, Duration confirmTimeout) throws IOException {
        this.channel = channel;
        this.completions = completions;
        this.confirmTimeout = confirmTimeout;
        channel.confirmSelect();
        channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, null),
                (tag, multiple) -> settle(tag, multiple, "the broker refused the message (basic.nack)"));
        channel.addShutdownListener(this::failAll);
        if (channel instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable r) {
                    // The recovered channel numbers publishes from 1 again, and a publish racing with the
                    // swap may have read its number from the old channel: nothing outstanding can be matched
                    // to a confirm any more, so fail it (indeterminate) rather than leave it hanging.
                    synchronized (ConfirmingPublisher.this) {
                        failAll(new ShutdownSignalException(false, false, null, channel));
                    }
                }

                @Override
                public void handleRecoveryStarted(Recoverable r) { }
            });
        }
    }

    boolean isOpen() { return channel.isOpen(); }

    Channel channel() { return channel; }

    CompletableFuture<PublishReceipt> publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body,
                                              String topic, String messageId) {
        CompletableFuture<PublishReceipt> f = new CompletableFuture<>();
        synchronized (this) {
            write(exchange, routingKey, props, body, topic, messageId, f, false);
        }
        return f;
    }

    /**
     * A publish whose exchange and routing key depend on the time it is written (a delay through the delay
     * levels): {@code route} is called just before the frame is written, with at most {@link #TIMED_WINDOW}
     * timed publishes of this channel written and unconfirmed; later ones wait, in order.
     */
    CompletableFuture<PublishReceipt> publishTimed(Supplier<Route> route, AMQP.BasicProperties props, byte[] body,
                                                   String topic, String messageId) {
        CompletableFuture<PublishReceipt> f = new CompletableFuture<>();
        waiting.add(new Waiting(route, props, body, topic, messageId, f));
        drain();
        return f;
    }

    /** Writes waiting timed publishes while the window has room (the caller's thread, or a completion thread). */
    private void drain() {
        synchronized (this) {
            while (timedOutstanding.get() < TIMED_WINDOW) {
                Waiting w = waiting.poll();
                if (w == null) return;
                if (!channel.isOpen()) {
                    w.future.completeExceptionally(new PublishException("Could not publish message " + w.messageId + " to '"
                            + w.topic + "': the RabbitMQ channel closed before it was sent; the message was not sent", null, false));
                    continue;
                }
                timedOutstanding.incrementAndGet();
                Route r;
                try {
                    r = w.route.get();
                } catch (RuntimeException e) {
                    timedOutstanding.decrementAndGet();
                    w.future.completeExceptionally(e);
                    continue;
                }
                write(r.exchange(), r.routingKey(), w.props, w.body, w.topic, w.messageId, w.future, true);
            }
        }
    }

    /** A timed publish left the window (confirmed, refused or failed): let a waiting one in. */
    private void released(Pending p) {
        if (!p.timed) return;
        timedOutstanding.decrementAndGet();
        if (!waiting.isEmpty()) completions.execute(this::drain);
    }

    /** Writes one publish; the caller holds this publisher's lock. */
    private void write(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body, String topic,
                       String messageId, CompletableFuture<PublishReceipt> f, boolean timed) {
        long seq = channel.getNextPublishSeqNo();
        Pending pending = new Pending(f, topic, messageId, System.nanoTime() + confirmTimeout.toNanos(), timed);
        outstanding.put(seq, pending);
        try {
            channel.basicPublish(exchange, routingKey, false, props, body);
        } catch (IOException | ShutdownSignalException e) {
            if (outstanding.remove(seq) != null) released(pending);
            f.completeExceptionally(new PublishException("Could not publish message " + messageId + " to '" + topic
                    + "': RabbitMQ connection or channel unavailable (" + reason(e) + "); the message was not sent",
                    e, false));
        } catch (RuntimeException e) {
            // amqp-client refused to encode the frames (e.g. a short string over 255 bytes) after taking a
            // publish sequence number: the broker never saw the message, so from now on its confirm tags would
            // be off by one on this channel. Fail this publish and retire the channel (a new one replaces it).
            if (outstanding.remove(seq) != null) released(pending);
            f.completeExceptionally(new PublishException("RabbitMQ cannot carry message " + messageId + " to '" + topic
                    + "': " + e.getMessage() + "; the message was not sent", e, false));
            close();
        }
    }

    /**
     * A confirm (or nack) from the broker, on the connection thread: takes the publishes it covers out of the
     * window and completes their futures in publish order with one task on {@code completions}. A {@code multiple}
     * confirm covers every publish up to {@code tag}; at saturation one confirm covers tens of publishes, and a
     * task (and a wake-up of the completion thread) per publish was most of this path's cost.
     */
    private void settle(long tag, boolean multiple, String failure) {
        List<Pending> done;
        if (multiple) {
            done = new ArrayList<>();
            for (Map.Entry<Long, Pending> e : outstanding.headMap(tag, true).entrySet()) {
                if (outstanding.remove(e.getKey(), e.getValue())) done.add(e.getValue());
            }
        } else {
            Pending p = outstanding.remove(tag);
            done = p == null ? List.of() : List.of(p);
        }
        if (done.isEmpty()) return;
        for (Pending p : done) released(p);
        completions.execute(() -> {
            Instant confirmed = Instant.now();
            for (Pending p : done) {
                if (failure == null) {
                    p.future.complete(new PublishReceipt(p.topic, p.messageId, new Position(p.topic, ""), confirmed));
                } else {
                    p.future.completeExceptionally(new PublishException("Message " + p.messageId + " to '" + p.topic
                            + "' was not confirmed: " + failure, null, false));
                }
            }
        });
    }

    /** Runs on the connection thread: no lock (a publisher may hold the channel lock in a blocked write). */
    private void failAll(ShutdownSignalException cause) {
        for (Long seq : outstanding.keySet().toArray(new Long[0])) {
            Pending p = outstanding.remove(seq);
            if (p == null) continue;
            released(p);
            completions.execute(() -> p.future.completeExceptionally(new PublishException("Message " + p.messageId
                    + " to '" + p.topic + "' is unconfirmed: the channel closed before the broker confirmed it ("
                    + reason(cause) + "); it may or may not be stored, publish it again (consumers deduplicate by id)",
                    cause, true)));
        }
    }

    /**
     * Fails publishes whose confirm is overdue (a broker that accepted the frames but never confirms, e.g. a
     * quorum queue without a leader): indeterminate, since the broker may still store them.
     */
    void expire(long nowNanos) {
        for (Map.Entry<Long, Pending> e : outstanding.entrySet()) {
            Pending p = e.getValue();
            if (p.deadlineNanos - nowNanos > 0) return; // sequence order is publish order: the rest are younger
            if (outstanding.remove(e.getKey(), p)) {
                released(p);
                completions.execute(() -> p.future.completeExceptionally(new PublishException("Message " + p.messageId
                        + " to '" + p.topic + "' was not confirmed by RabbitMQ within confirmTimeout=" + confirmTimeout
                        + "; it may or may not be stored, publish it again (consumers deduplicate by id)", null, true)));
            }
        }
    }

    static String reason(Exception e) {
        if (e instanceof AlreadyClosedException ace) return "already closed: " + ace.getMessage();
        if (e instanceof ShutdownSignalException sse && sse.getReason() == null) return "connection lost and recovered";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    void close() {
        try {
            if (channel.isOpen()) channel.close();
        } catch (Exception ignored) {
            // closing: the shutdown listener fails what is outstanding
        }
    }
}
