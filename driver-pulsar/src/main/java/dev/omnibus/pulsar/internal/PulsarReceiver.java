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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds one Pulsar consumer into the core's sink.
 *
 * <p><b>Back-pressure.</b> Messages are pulled with {@code receiveAsync()} one at a time, and only while
 * fewer than {@code maxInFlight} pulled messages are unsettled; the Pulsar receiver queue (sized from
 * {@code maxInFlight}) is the only prefetch. So the sink never holds more than {@code maxInFlight}
 * unsettled inbounds and memory stays bounded; the client's poll loop is never blocked.
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
 */
final class PulsarReceiver implements TransportSubscription {
    private static final Logger log = LoggerFactory.getLogger(PulsarReceiver.class);

    private final Consumer<byte[]> consumer;
    private final java.util.function.Consumer<Inbound> sink;
    private final boolean perKey;
    private final int maxInFlight;
    private final ScheduledExecutorService scheduler;
    private final Duration redeliveryDelay;
    private final Duration closeTimeout;
    private final Runnable onClose;

    private final Object lock = new Object();
    private final AtomicInteger wip = new AtomicInteger();
    private final Map<String, ArrayDeque<Message<byte[]>>> waiting = new HashMap<>();
    private final Set<String> busyKeys = new HashSet<>();
    private int held;                 // pulled (or being pulled) and not yet acked / returned to the broker
    private boolean receivePending;
    private boolean receiving = true;
    private boolean closed;

    PulsarReceiver(Consumer<byte[]> consumer, java.util.function.Consumer<Inbound> sink, boolean perKey, int maxInFlight,
                   ScheduledExecutorService scheduler, Duration redeliveryDelay, Duration closeTimeout, Runnable onClose) {
        this.consumer = consumer;
        this.sink = sink;
        this.perKey = perKey;
        this.maxInFlight = maxInFlight;
        this.scheduler = scheduler;
        this.redeliveryDelay = redeliveryDelay;
        this.closeTimeout = closeTimeout;
        this.onClose = onClose;
    }

    void start() { pump(); }

    /** Pulls while there is room; re-entrant calls (inline completions) are folded into the running loop. */
    private void pump() {
        if (wip.getAndIncrement() != 0) return;
        do {
            while (true) {
                synchronized (lock) {
                    if (!receiving || closed || receivePending || held >= maxInFlight) break;
                    receivePending = true;
                    held++;
                }
                CompletableFuture<Message<byte[]>> next;
                try {
                    next = consumer.receiveAsync();
                } catch (RuntimeException e) {
                    synchronized (lock) { receivePending = false; held--; }
                    log.warn("receiveAsync failed on {}: {}", consumer.getTopic(), e.toString());
                    break;
                }
                next.whenComplete(this::onReceived);
                synchronized (lock) { if (receivePending) break; }
            }
        } while (wip.decrementAndGet() != 0);
    }

    private void onReceived(Message<byte[]> message, Throwable error) {
        Message<byte[]> handOver = null;
        boolean retryLater = false;
        synchronized (lock) {
            receivePending = false;
            if (error != null) {
                held--;
                retryLater = !closed && receiving;
            } else if (!receiving || closed) {
                held--; // stays unacknowledged: the broker redelivers it when the consumer closes
            } else {
                String key = perKey ? PulsarInbound.keyOf(message) : null;
                if (key == null) {
                    handOver = message;
                } else if (busyKeys.add(key)) {
                    handOver = message;
                } else {
                    waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(message);
                }
            }
        }
        if (error != null) {
            if (retryLater) {
                log.warn("Receiving from {} failed, retrying: {}", consumer.getTopic(), error.toString());
                scheduler.schedule(this::pump, 200, TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (handOver != null) deliver(new PulsarInbound(this, handOver, 0));
        pump();
    }

    private void deliver(PulsarInbound inbound) {
        try {
            sink.accept(inbound);
        } catch (RuntimeException e) {
            log.error("Sink rejected {} of {}; returning it to the broker", inbound.position(), consumer.getTopic(), e);
            inbound.nack();
        }
    }

    void acked(PulsarInbound inbound) {
        consumer.acknowledgeAsync(inbound.raw().getMessageId()).whenComplete((v, e) -> {
            if (e != null) log.debug("Ack of {} on {} failed: {}", inbound.position(), consumer.getTopic(), e.toString());
        });
        Message<byte[]> next = release(inbound);
        if (next != null) deliver(new PulsarInbound(this, next, 0));
        pump();
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
        Message<byte[]> next = release(inbound);
        if (next != null) deliver(new PulsarInbound(this, next, 0));
        pump();
    }

    /** Frees the inbound's slot; returns the next message of its key to hand over, if any. */
    private Message<byte[]> release(PulsarInbound inbound) {
        synchronized (lock) {
            held--;
            if (!perKey) return null;
            String key = PulsarInbound.keyOf(inbound.raw());
            if (key == null) return null;
            ArrayDeque<Message<byte[]>> q = waiting.get(key);
            Message<byte[]> next = q == null ? null : q.poll();
            if (q != null && q.isEmpty()) waiting.remove(key);
            if (next == null || !receiving || closed) {
                busyKeys.remove(key);
                return null;
            }
            return next;
        }
    }

    @Override
    public void stopReceiving() {
        synchronized (lock) {
            if (!receiving) return;
            receiving = false;
            // messages waiting behind a busy key stay unacknowledged; the broker redelivers them on close
            for (ArrayDeque<Message<byte[]>> q : waiting.values()) held -= q.size();
            waiting.clear();
        }
        try {
            consumer.pause();
        } catch (RuntimeException e) {
            log.debug("Pause of {} failed: {}", consumer.getTopic(), e.toString());
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            receiving = false;
            waiting.clear();
        }
        try {
            consumer.closeAsync().get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            log.warn("Closing the consumer of {} did not finish within {}: {}", consumer.getTopic(), closeTimeout, e.toString());
        } finally {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "PulsarReceiver{" + consumer.getTopic() + ", " + consumer.getSubscription() + ", perKey=" + perKey + "}";
    }
}
