package dev.omnibus.pulsar.internal;

import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One hand-over of a Pulsar message to the core. Settled once: the first ack/nack wins, later calls
 * are ignored. {@link #deliveryCount()} is Pulsar's redelivery count plus one, plus the in-order local
 * redeliveries the receiver made after nacks (see {@link PulsarReceiver}).
 */
final class PulsarInbound implements Inbound {
    private final PulsarReceiver receiver;
    private final org.apache.pulsar.client.api.Message<byte[]> raw;
    private final int localRedeliveries;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Message decoded;

    PulsarInbound(PulsarReceiver receiver, org.apache.pulsar.client.api.Message<byte[]> raw, int localRedeliveries) {
        this.receiver = receiver;
        this.raw = raw;
        this.localRedeliveries = localRedeliveries;
    }

    org.apache.pulsar.client.api.Message<byte[]> raw() { return raw; }

    int localRedeliveries() { return localRedeliveries; }

    @Override
    public Message message() {
        Message m = decoded;
        if (m == null) {
            byte[] value = raw.getValue();
            m = CloudEventsProperties.decode(raw.getProperties(), raw.hasKey() ? raw.getKey() : null,
                    value == null ? new byte[0] : value,
                    "Pulsar message " + raw.getMessageId() + " of '" + raw.getTopicName() + "'");
            decoded = m;
        }
        return m;
    }

    @Override public String key() { return keyOf(raw); }

    static String keyOf(org.apache.pulsar.client.api.Message<byte[]> raw) {
        if (raw.hasKey()) return raw.getKey();
        return raw.getProperty(CloudEventsProperties.PREFIX + Message.KEY_EXTENSION);
    }

    @Override public Position position() { return new Position(raw.getTopicName(), raw.getMessageId().toString()); }

    @Override public int deliveryCount() { return raw.getRedeliveryCount() + 1 + localRedeliveries; }

    @Override public void ack() { if (settled.compareAndSet(false, true)) receiver.acked(this); }

    @Override public void nack() { if (settled.compareAndSet(false, true)) receiver.nacked(this); }

    /**
     * Publishes {@code message} to the group's redelivery topic with Pulsar's {@code deliverAt} = now +
     * {@code delay} (the group's consumers read that topic too); once the broker has acknowledged that
     * publish, acknowledges this message and completes when the broker confirmed the ack. A failed publish
     * fails the future and leaves this inbound unsettled. Only for a group with {@link dev.omnibus.Ordering#NONE}.
     */
    @Override
    public CompletableFuture<Void> redeliverAfter(Message message, Duration delay) {
        var redeliverer = receiver.redeliverer();
        if (redeliverer == null) {
            throw new UnsupportedOperationException("delayed redelivery on Pulsar needs a group with Ordering.NONE; "
                    + "this subscription is group-less or ordered per key (ORDERED_DELAYED_REDELIVERY is not offered)");
        }
        if (settled.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is already settled"));
        }
        long due = System.currentTimeMillis() + Math.max(0, delay.toMillis());
        // the original is acknowledged only after the broker took the redelivery, and the future completes
        // only after the broker confirmed that ack (ack receipts are on for these consumers), so a consumer
        // that dies right after the future completed does not get the original back as well
        return redeliverer.apply(message, due).thenCompose(receipt -> settled.compareAndSet(false, true)
                ? receiver.ackAsync(this) : CompletableFuture.completedFuture(null));
    }

    @Override public String toString() { return "PulsarInbound{" + position() + ", key=" + key() + "}"; }
}
