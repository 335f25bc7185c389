package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One delivery from a queue. Position = queue name and delivery tag. The delivery count comes from the
 * quorum queue's {@code x-delivery-count} header (+1), else from the redelivered flag. Settled once.
 */
final class RabbitInbound implements Inbound {
    private final RabbitSubscription owner;
    private final String queue;
    private final Envelope envelope;
    private final AMQP.BasicProperties properties;
    private final byte[] body;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Message decoded;

    RabbitInbound(RabbitSubscription owner, String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        this.owner = owner;
        this.queue = queue;
        this.envelope = envelope;
        this.properties = properties;
        this.body = body;
    }

    @Override
    public Message message() {
        Message m = decoded;
        if (m == null) {
            m = CloudEventsAmqp.decode(properties, body);
            decoded = m;
        }
        return m;
    }

    @Override public String key() { return CloudEventsAmqp.key(properties); }

    @Override public Position position() { return Position.of(queue, envelope.getDeliveryTag()); }

    @Override
    public int deliveryCount() {
        Object count = properties.getHeaders() == null ? null : properties.getHeaders().get("x-delivery-count");
        if (count instanceof Number n) return n.intValue() + 1;
        return envelope.isRedeliver() ? 2 : 1;
    }

    long deliveryTag() { return envelope.getDeliveryTag(); }

    @Override
    public void ack() {
        if (settled.compareAndSet(false, true)) owner.settle(this, true);
    }

    @Override
    public void nack() {
        if (settled.compareAndSet(false, true)) owner.settle(this, false);
    }

    /** Through the delay levels back to this delivery's queue; acked once the broker confirmed the redelivery. */
    @Override
    public java.util.concurrent.CompletableFuture<Void> redeliverAfter(Message message, java.time.Duration delay) {
        if (settled.get()) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException(this + " is already settled"));
        }
        return owner.redeliver(this, queue, message, delay);
    }

    @Override public String toString() { return "RabbitInbound{" + position() + "}"; }
}
