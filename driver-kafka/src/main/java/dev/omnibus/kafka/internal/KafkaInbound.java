package dev.omnibus.kafka.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Kafka record handed to the core. The envelope is decoded lazily (and once); {@link #ack()} and
 * {@link #nack()} only enqueue a settlement for the subscription's poll thread, which owns the consumer.
 */
final class KafkaInbound implements Inbound {
    private final KafkaReceiver receiver;
    final PartitionProgress progress;
    final ConsumerRecord<byte[], byte[]> record;
    private final int deliveryCount;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** Poll-thread only: acked, waiting for the offsets before it to complete. */
    boolean done;
    private volatile Message message;
    private volatile InvalidEnvelopeException invalid;

    /** The redelivery history of a parked record delivered again (overlaid on the record's envelope), or null. */
    private final java.util.Map<String, String> history;

    KafkaInbound(KafkaReceiver receiver, PartitionProgress progress, ConsumerRecord<byte[], byte[]> record, int deliveryCount) {
        this(receiver, progress, record, deliveryCount, null);
    }

    KafkaInbound(KafkaReceiver receiver, PartitionProgress progress, ConsumerRecord<byte[], byte[]> record, int deliveryCount,
                 java.util.Map<String, String> history) {
        this.history = history == null || history.isEmpty() ? null : history;
        this.receiver = receiver;
        this.progress = progress;
        this.record = record;
        this.deliveryCount = deliveryCount;
    }

    long offset() { return record.offset(); }

    @Override
    public Message message() {
        Message m = message;
        if (m != null) return m;
        if (invalid != null) throw invalid;
        try {
            m = CloudEventsBinaryMapping.decode(record);
            if (history != null) {
                Message.Builder b = m.toBuilder();
                history.forEach(b::extension);
                m = b.build();
            }
            message = m;
            return m;
        } catch (InvalidEnvelopeException e) {
            invalid = e;
            throw e;
        }
    }

    @Override public String key() { return CloudEventsBinaryMapping.key(record); }

    @Override public Position position() { return Position.of(progress.partitionName, record.offset()); }

    @Override public int deliveryCount() { return deliveryCount; }

    @Override public void ack() { if (settled.compareAndSet(false, true)) receiver.settle(this, true); }

    @Override public void nack() { if (settled.compareAndSet(false, true)) receiver.settle(this, false); }

    /**
     * Produces the redelivery into the delay tiers (target: the group's redelivery topic); the original is acked
     * only once that produce is acknowledged. On failure the inbound stays unsettled.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> redeliverAfter(Message withHistory, java.time.Duration delay) {
        if (settled.get()) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException(this + " is already settled"));
        }
        if (receiver.parking()) return receiver.park(this, withHistory, delay);
        return receiver.redeliver(withHistory, delay, this::ack);
    }

    /** The poll thread parked this record (or found it revoked): it is settled. */
    void settledByPark() { settled.set(true); }

    @Override public String toString() { return "KafkaInbound{" + record.topic() + "-" + record.partition() + "@" + record.offset() + "}"; }
}
