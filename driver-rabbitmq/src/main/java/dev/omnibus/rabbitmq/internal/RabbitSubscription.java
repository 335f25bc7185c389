package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.TransportSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The consumers of one subscription: one channel, one manual-ack consumer per queue (a group's shard
 * queues, the exclusive queue, or the topic's stream), {@code basicQos} per consumer sized from
 * maxInFlight. A FIFO gate hands at most {@code maxInFlight} unsettled inbounds to the sink; the
 * rest wait in arrival order (bounded by the prefetch), so one queue's order reaches the sink intact.
 *
 * <p>{@link #stopReceiving()} stops handing inbounds to the sink but keeps the consumers and the channel:
 * acks of in-flight work still reach the broker, and nacks from then on are left to {@link #close()},
 * whose channel close gives every unsettled delivery back at once, in delivery order. (Cancelling the
 * consumers first would let a standby single-active consumer take over while earlier messages of a
 * key are still held here, breaking per-key order.)
 */
final class RabbitSubscription implements TransportSubscription {
    private static final Logger log = LoggerFactory.getLogger(RabbitSubscription.class);

    private final Channel channel;
    private final Consumer<Inbound> sink;
    private final int maxInFlight;
    private final String description;
    private final Object lock = new Object();
    private final Object channelLock = new Object();
    private final ArrayDeque<RabbitInbound> waiting = new ArrayDeque<>();
    private int handed;
    private boolean draining;
    private volatile boolean stopped;
    private volatile boolean closed;

    /** Hands a message back to the broker for delivery to one queue after a delay (the transport's delay levels). */
    interface Redeliverer {
        java.util.concurrent.CompletableFuture<Void> redeliver(String queue, dev.omnibus.Message message, java.time.Duration delay);
    }

    private final Redeliverer redeliverer;

    RabbitSubscription(Channel channel, Consumer<Inbound> sink, int maxInFlight, String description, Redeliverer redeliverer) {
        this.redeliverer = redeliverer;
        this.channel = channel;
        this.sink = sink;
        this.maxInFlight = maxInFlight;
        this.description = description;
    }

    /** Starts one manual-ack consumer per queue; returns once the broker confirmed every consume. */
    void consume(List<String> queues, Map<String, Object> consumerArguments) throws IOException {
        for (String queue : queues) {
            channel.basicConsume(queue, false, "", false, false, consumerArguments, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    onDelivery(new RabbitInbound(RabbitSubscription.this, queue, envelope, properties, body));
                }
            });
        }
    }

    private void onDelivery(RabbitInbound inbound) {
        synchronized (lock) {
            waiting.add(inbound);
        }
        drain();
    }

    /** Hands waiting inbounds to the sink, one thread at a time so arrival order is kept. */
    private void drain() {
        synchronized (lock) {
            if (draining) return;
            draining = true;
        }
        while (true) {
            RabbitInbound next;
            synchronized (lock) {
                if (stopped || handed >= maxInFlight || waiting.isEmpty()) {
                    draining = false;
                    return;
                }
                next = waiting.poll();
                handed++;
            }
            try {
                sink.accept(next);
            } catch (RuntimeException e) {
                log.error("Sink of {} threw on {}; the delivery stays unsettled until close", description, next, e);
            }
        }
    }

    void settle(RabbitInbound inbound, boolean ack) {
        try {
            if (ack) {
                synchronized (channelLock) { channel.basicAck(inbound.deliveryTag(), false); }
            } else if (!stopped) {
                synchronized (channelLock) { channel.basicNack(inbound.deliveryTag(), false, true); }
            }
            // a nack after stopReceiving(): the channel close in close() gives it back, in delivery order
        } catch (IOException | RuntimeException e) {
            log.debug("Could not {} {} on {} ({}); the broker redelivers it", ack ? "ack" : "nack", inbound, description,
                    e.toString());
        } finally {
            synchronized (lock) { handed--; }
            drain();
        }
    }

    /**
     * Delayed redelivery of {@code inbound}: publishes {@code message} through the delay levels back to the
     * inbound's own queue and, once the broker confirmed it, acks the original (a crash in between delivers
     * both: at least once). On failure the inbound stays unsettled.
     */
    java.util.concurrent.CompletableFuture<Void> redeliver(RabbitInbound inbound, String queue, dev.omnibus.Message message,
                                                           java.time.Duration delay) {
        if (redeliverer == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "delayed redelivery needs group queues; a stream (queueType=stream) cannot deliver to one subscription only"));
        }
        return redeliverer.redeliver(queue, message, delay).thenRun(inbound::ack);
    }

    @Override
    public void stopReceiving() {
        stopped = true;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopped = true;
        try {
            if (channel.isOpen()) channel.close();
        } catch (Exception e) {
            log.debug("Closing channel of {}: {}", description, e.toString());
        }
        synchronized (lock) { waiting.clear(); }
    }

    @Override public String toString() { return "RabbitSubscription{" + description + "}"; }
}
