package dev.omnibus.pulsar.internal;

import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.TransportSubscription;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one Pulsar consumer into the core's sink.
 *
 * <p><b>Back-pressure.</b> Messages come through the consumer's {@code MessageListener} (the client's
 * well-trodden path; called in order per consumer on the client's listener thread). At most
 * {@code maxInFlight} received messages are unsettled inside the driver; beyond that the consumer is
 * {@code pause()}d (no more flow permits) and what the client had already prefetched (at most its
 * receiver queue, sized from {@code maxInFlight}) waits in an overflow queue, not handed to the sink,
 * until settlements make room; then the consumer is resumed. So the sink never holds more than {@code maxInFlight} unsettled
 * inbounds, memory stays bounded, and no client thread ever blocks.
 *
 * <p><b>Per-key order (Ordering.PER_KEY).</b> Key_Shared gives one consumer of the group all messages of
 * a key, in order. This receiver then hands one message per key at a time to the sink: the next
 * message of a key is handed only after the previous one is acked (messages behind it wait here, still
 * unacknowledged in Pulsar). A nack while receiving does NOT go through Pulsar's negative
 * acknowledgement, which redelivers after a delay while later messages of the key may already have
 * been handed over, i.e. out of order; instead the same message is handed again to the sink after
 * {@code nackRedeliveryDelay} (delivery count + 1), still ahead of every later message of its key.
 * After {@link #stopReceiving()} or on close, everything unacknowledged goes back to the broker, which
 * redelivers it to the group in publish order per key.
 *
 * <p><b>Ordering.NONE.</b> Messages are handed as they come; a nack is Pulsar's
 * {@code negativeAcknowledge} (redelivered after {@code nackRedeliveryDelay}, to any consumer of the group).
 * A group's consumer also reads the group's redelivery topic ({@link PulsarTransport#redeliveryTopic});
 * {@link PulsarInbound#redeliverAfter} publishes there with a due time, then acks the original.
 *
 * <p><b>Not before due.</b> A message with Pulsar's {@code deliver_at_time} (a scheduled publish or a
 * delayed redelivery) that arrives before that time by this process's clock (the broker releases due
 * messages up to {@code delayedDeliveryTickTimeMillis} early unless {@code isDelayedDeliveryDeliverAtTimeStrict},
 * and at once where delayed delivery is off) is held here, unacknowledged and counted against
 * {@code maxInFlight}, and handed over when due.
 */
final class PulsarReceiver implements TransportSubscription {
    private static final Logger log = LoggerFactory.getLogger(PulsarReceiver.class);

    private volatile Consumer<byte[]> consumer;
    private final String topic;
    private final java.util.function.Consumer<Inbound> sink;
    private final boolean perKey;
    private final int maxInFlight;
    private final ScheduledExecutorService scheduler;
    private final Duration redeliveryDelay;
    private final Duration closeTimeout;
    private final Runnable onClose;
    /** Publishes to the group's redelivery topic with a due time (epoch millis); null when not offered. */
    private final java.util.function.BiFunction<dev.omnibus.Message, Long, java.util.concurrent.CompletableFuture<dev.omnibus.PublishReceipt>> redeliverer;
    private final java.util.concurrent.atomic.AtomicBoolean warnedEarly = new java.util.concurrent.atomic.AtomicBoolean();
    /** How early (ms) the broker released a scheduled message at most, for diagnostics and tests. */
    private final java.util.concurrent.atomic.AtomicLong maxEarlyMillis = new java.util.concurrent.atomic.AtomicLong();

    private final Object lock = new Object();
    private final Map<String, ArrayDeque<Message<byte[]>>> waiting = new HashMap<>();
    private final Set<String> busyKeys = new HashSet<>();
    private final ArrayDeque<Message<byte[]>> overflow = new ArrayDeque<>();
    private int held;                 // admitted and not yet acked / returned to the broker
    private boolean paused;
    private boolean receiving = true;
    private boolean closed;

    PulsarReceiver(String topic, java.util.function.Consumer<Inbound> sink, boolean perKey, int maxInFlight,
                   ScheduledExecutorService scheduler, Duration redeliveryDelay, Duration closeTimeout,
                   java.util.function.BiFunction<dev.omnibus.Message, Long, java.util.concurrent.CompletableFuture<dev.omnibus.PublishReceipt>> redeliverer,
                   Runnable onClose) {
        this.topic = topic;
        this.sink = sink;
        this.perKey = perKey;
        this.maxInFlight = maxInFlight;
        this.scheduler = scheduler;
        this.redeliveryDelay = redeliveryDelay;
        this.closeTimeout = closeTimeout;
        this.onClose = onClose;
        this.redeliverer = redeliverer;
    }

    /** The redelivery publisher of this group, or {@code null} (group-less, or ordered per key). */
    java.util.function.BiFunction<dev.omnibus.Message, Long, java.util.concurrent.CompletableFuture<dev.omnibus.PublishReceipt>> redeliverer() {
        return redeliverer;
    }

    /** The consumer's connection state (true before it is attached). */
    boolean isConnected() {
        Consumer<byte[]> c = consumer;
        return c == null || c.isConnected();
    }

    /** The consumer this receiver's listener belongs to (set once subscribe completed). */
    void attach(Consumer<byte[]> consumer) {
        this.consumer = consumer;
        boolean pause;
        synchronized (lock) { pause = paused; }
        if (pause) consumer.pause();
    }

    /** The consumer's MessageListener: called on the client's listener thread, in order. */
    void onMessage(Message<byte[]> message) {
        long early = deliverAt(message) - System.currentTimeMillis();
        if (early > 0) {
            holdUntilDue(message, early);
            return;
        }
        Message<byte[]> handOver;
        boolean pauseNow = false;
        synchronized (lock) {
            if (!receiving || closed) return; // stays unacknowledged: the broker redelivers it when the consumer closes
            if (held >= maxInFlight || !overflow.isEmpty()) {
                overflow.add(message);
                if (!paused) {
                    paused = true;
                    pauseNow = true;
                }
                handOver = null;
            } else {
                handOver = admit(message);
            }
        }
        if (pauseNow) pauseConsumer();
        if (handOver != null) deliver(new PulsarInbound(this, handOver, 0));
    }

    /** Pulsar's {@code deliver_at_time} of the message (epoch millis), 0 when it has none. */
    static long deliverAt(Message<?> message) {
        Message<?> m = message instanceof org.apache.pulsar.client.impl.TopicMessageImpl<?> t ? t.getMessage() : message;
        return m instanceof org.apache.pulsar.client.impl.MessageImpl<?> i ? i.getDeliverAtTime() : 0;
    }

    /**
     * The broker released a message before its due time: keep it (unacknowledged, counted as held, so
     * a flood of them pauses the consumer) and admit it once due.
     */
    private void holdUntilDue(Message<byte[]> message, long earlyMillis) {
        boolean pauseNow = false;
        synchronized (lock) {
            if (!receiving || closed) return; // stays unacknowledged: the broker redelivers it
            held++;
            if (held >= maxInFlight && !paused) {
                paused = true;
                pauseNow = true;
            }
        }
        if (pauseNow) pauseConsumer();
        maxEarlyMillis.accumulateAndGet(earlyMillis, Math::max);
        if (earlyMillis > EARLY_WARNING_MILLIS && warnedEarly.compareAndSet(false, true)) {
            log.warn("Pulsar delivered a scheduled message of {} {} ms before it was due; holding it until then. Is "
                    + "delayed delivery disabled on the broker (delayedDeliveryEnabled) or the namespace "
                    + "(pulsar-admin namespaces set-delayed-delivery)? Until it is enabled such messages wait in this "
                    + "process's memory.", topic, earlyMillis);
        }
        scheduler.schedule(() -> admitDue(message), earlyMillis, TimeUnit.MILLISECONDS);
    }

    /** A held early message is due: it takes its turn like a newly received one (overflow first). */
    private void admitDue(Message<byte[]> message) {
        java.util.List<Message<byte[]>> out;
        boolean resume = false;
        synchronized (lock) {
            held--;
            if (!receiving || closed) return; // stays unacknowledged: the broker redelivers it
            overflow.addFirst(message);
            out = admitOverflow();
            if (paused && overflow.isEmpty()) {
                paused = false;
                resume = true;
            }
        }
        if (resume) {
            Consumer<byte[]> c = consumer;
            if (c != null) c.resume();
        }
        handOver(out);
    }

    /** Beyond Pulsar's default tick (1 s) plus slack: the broker did not hold the message at all. */
    private static final long EARLY_WARNING_MILLIS = 5_000;

    /** Counts the message as held; returns it when it may go to the sink now (else it waits behind its key). */
    private Message<byte[]> admit(Message<byte[]> message) {
        held++;
        String key = perKey ? PulsarInbound.keyOf(message) : null;
        if (key == null || busyKeys.add(key)) return message;
        waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(message);
        return null;
    }

    /** Admits overflow while there is room; returns what may go to the sink now. Call under the lock. */
    private java.util.List<Message<byte[]>> admitOverflow() {
        java.util.List<Message<byte[]>> out = new java.util.ArrayList<>();
        while (receiving && !closed && held < maxInFlight && !overflow.isEmpty()) {
            Message<byte[]> m = admit(overflow.poll());
            if (m != null) out.add(m);
        }
        return out;
    }

    private void pauseConsumer() {
        Consumer<byte[]> c = consumer;
        if (c != null) c.pause();
    }

    private void deliver(PulsarInbound inbound) {
        try {
            sink.accept(inbound);
        } catch (RuntimeException e) {
            log.error("Sink rejected {} of {}; returning it to the broker", inbound.position(), topic, e);
            inbound.nack();
        }
    }

    void acked(PulsarInbound inbound) { ackAsync(inbound); }

    /**
     * Acknowledges and frees the slot. The future completes when the client considers the ack done: with
     * ack receipts enabled (subscriptions with a redelivery schedule) once the broker confirmed it; it
     * never fails (a lost ack means Pulsar delivers the message again: at least once).
     */
    java.util.concurrent.CompletableFuture<Void> ackAsync(PulsarInbound inbound) {
        java.util.concurrent.CompletableFuture<Void> done = consumer.acknowledgeAsync(inbound.raw().getMessageId())
                .handle((v, e) -> {
                    if (e != null) log.debug("Ack of {} on {} failed: {}", inbound.position(), consumer.getTopic(), e.toString());
                    return null;
                });
        handOver(release(inbound));
        return done;
    }

    void nacked(PulsarInbound inbound) {
        boolean local;
        synchronized (lock) { local = perKey && receiving && !closed; }
        if (local) {
            scheduler.schedule(() -> redeliverLocally(inbound), redeliveryDelay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        returnToBroker(inbound);
    }

    private void redeliverLocally(PulsarInbound inbound) {
        boolean still;
        synchronized (lock) { still = receiving && !closed; }
        if (still) {
            deliver(new PulsarInbound(this, inbound.raw(), inbound.localRedeliveries() + 1));
        } else {
            returnToBroker(inbound);
        }
    }

    private void returnToBroker(PulsarInbound inbound) {
        boolean open;
        synchronized (lock) { open = !closed; }
        if (open) {
            try {
                consumer.negativeAcknowledge(inbound.raw());
            } catch (RuntimeException e) {
                log.debug("Nack of {} on {} failed: {}", inbound.position(), consumer.getTopic(), e.toString());
            }
        }
        handOver(release(inbound));
    }

    private void handOver(java.util.List<Message<byte[]>> messages) {
        for (Message<byte[]> m : messages) deliver(new PulsarInbound(this, m, 0));
    }

    /**
     * Frees the inbound's slot; returns what may go to the sink now: the next message of its key, if
     * any, and overflow admitted into the freed room. Resumes the consumer when the overflow is empty.
     */
    private java.util.List<Message<byte[]>> release(PulsarInbound inbound) {
        java.util.List<Message<byte[]>> out = new java.util.ArrayList<>(2);
        boolean resume = false;
        synchronized (lock) {
            held--;
            String key = perKey ? PulsarInbound.keyOf(inbound.raw()) : null;
            if (key != null) {
                ArrayDeque<Message<byte[]>> q = waiting.get(key);
                Message<byte[]> next = q == null ? null : q.poll();
                if (q != null && q.isEmpty()) waiting.remove(key);
                if (next == null || !receiving || closed) busyKeys.remove(key);
                else out.add(next);
            }
            out.addAll(admitOverflow());
            if (paused && overflow.isEmpty() && receiving && !closed) {
                paused = false;
                resume = true;
            }
        }
        if (resume) {
            Consumer<byte[]> c = consumer;
            if (c != null) c.resume();
        }
        return out;
    }

    @Override
    public void stopReceiving() {
        synchronized (lock) {
            if (!receiving) return;
            receiving = false;
            // messages waiting behind a busy key stay unacknowledged; the broker redelivers them on close
            for (ArrayDeque<Message<byte[]>> q : waiting.values()) held -= q.size();
            waiting.clear();
            overflow.clear();
            paused = true;
        }
        try {
            pauseConsumer();
        } catch (RuntimeException e) {
            log.debug("Pause of {} failed: {}", topic, e.toString());
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            receiving = false;
            waiting.clear();
            overflow.clear();
        }
        Consumer<byte[]> c = consumer;
        if (c == null) {
            onClose.run();
            return;
        }
        try {
            c.closeAsync().get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            log.warn("Closing the consumer of {} did not finish within {}: {}", topic, closeTimeout, e.toString());
        } finally {
            onClose.run();
        }
    }

    /** At most how many ms before due the broker released a scheduled message to this receiver (0: never early). */
    long maxEarlyMillis() { return maxEarlyMillis.get(); }

    /** Internal counters, for diagnostics. */
    String diagnostics() {
        synchronized (lock) {
            int waitingCount = waiting.values().stream().mapToInt(ArrayDeque::size).sum();
            return "held=" + held + ", paused=" + paused + ", overflow=" + overflow.size() + ", receiving=" + receiving
                    + ", busyKeys=" + busyKeys + ", waiting=" + waitingCount + " " + waiting.keySet()
                    + ", maxEarlyMillis=" + maxEarlyMillis.get();
        }
    }

    @Override
    public String toString() {
        return "PulsarReceiver{" + topic + ", perKey=" + perKey + "}";
    }
}
