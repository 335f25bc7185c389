package dev.omnibus.nats.internal;

import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One JetStream delivery. Position = stream name and stream sequence; the delivery count is JetStream's own
 * ({@code num_delivered} of the ack reply subject). Settled once: ack = {@code +ACK}, nack = {@code -NAK}.
 */
final class NatsInbound implements Inbound {
    private final PullReceiver owner;
    private final io.nats.client.Message msg;
    private final long streamSequence;
    private final String stream;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Message decoded;

    NatsInbound(PullReceiver owner, io.nats.client.Message msg) {
        this.owner = owner;
        this.msg = msg;
        this.streamSequence = msg.metaData().streamSequence();
        this.stream = msg.metaData().getStream();
    }

    @Override
    public Message message() {
        Message m = decoded;
        if (m == null) {
            m = CloudEventsNats.decode(msg.getSubject(), msg.getHeaders(), msg.getData(), this);
            decoded = m;
        }
        return m;
    }

    @Override public String key() { return CloudEventsNats.key(msg.getHeaders()); }

    @Override public Position position() { return Position.of(stream, streamSequence); }

    @Override public int deliveryCount() { return (int) Math.max(1, msg.metaData().deliveredCount()); }

    long streamSequence() { return streamSequence; }

    io.nats.client.Message nativeMessage() { return msg; }

    /** Marks it settled without telling the broker (close gives it back); false if it already was. */
    boolean claim() { return settled.compareAndSet(false, true); }

    @Override
    public void ack() {
        if (claim()) owner.settle(this, true);
    }

    @Override
    public void nack() {
        if (claim()) owner.settle(this, false);
    }

    /** Names the delivery in logs and in an invalid envelope's message: "stream S sequence N". */
    @Override public String toString() { return "stream " + stream + " sequence " + streamSequence; }
}
