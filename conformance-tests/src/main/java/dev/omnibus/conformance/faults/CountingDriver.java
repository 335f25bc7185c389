package dev.omnibus.conformance.faults;

import dev.omnibus.Capability;
import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.ReplyInbox;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Wraps the real driver of a scheme and counts, at the SPI boundary, how many inbounds are handed
 * to the core and not yet settled: the number {@code maxInFlight} must bound. Optionally reports the
 * message id of every inbound after the driver's {@link Inbound#ack()} has returned.
 */
public final class CountingDriver implements MessagingDriver {
    private final MessagingDriver real;
    private final AtomicInteger unsettled = new AtomicInteger();
    private final AtomicInteger maxUnsettled = new AtomicInteger();
    private volatile Consumer<String> afterAck = id -> { };
    private volatile Consumer<String> afterRedelivery = id -> { };
    private final AtomicInteger redeliveries = new AtomicInteger();

    public CountingDriver(String scheme) {
        this.real = ServiceLoader.load(MessagingDriver.class).stream().map(ServiceLoader.Provider::get)
                .filter(d -> d.scheme().equals(scheme)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no driver for " + scheme));
    }

    /** Calls {@code listener} with the message id once the real driver's {@code ack()} returned. */
    public CountingDriver afterAck(Consumer<String> listener) {
        this.afterAck = listener;
        return this;
    }

    /**
     * Calls {@code listener} with the message id once the real driver's {@link Inbound#redeliverAfter} future
     * completed (the broker holds the delayed redelivery).
     */
    public CountingDriver afterRedelivery(Consumer<String> listener) {
        this.afterRedelivery = listener;
        return this;
    }

    /** Delayed redeliveries the broker confirmed so far. */
    public int redeliveries() { return redeliveries.get(); }

    /** Highest number of unsettled inbounds seen at once. */
    public int maxUnsettled() { return maxUnsettled.get(); }

    public int unsettled() { return unsettled.get(); }

    @Override public String scheme() { return real.scheme(); }

    @Override
    public PendingConnection configure(DriverConfig config) {
        PendingConnection pending = real.configure(config);
        if (pending instanceof DeferredConnection) return new DeferredConnection(this, config); // real reads options late
        return () -> counting(pending.connect());
    }

    @Override
    public Transport connect(DriverConfig config) {
        return counting(real.connect(config));
    }

    private Transport counting(Transport t) {
        return new Transport() {
            @Override public Set<Capability> capabilities() { return t.capabilities(); }
            @Override public CompletableFuture<PublishReceipt> send(String topic, Message m) { return t.send(topic, m); }
            @Override public CompletableFuture<PublishReceipt> sendAt(String topic, Message m, java.time.Instant due) {
                return t.sendAt(topic, m, due);
            }
            @Override public java.time.Duration maxScheduleDelay() { return t.maxScheduleDelay(); }
            @Override public TransportSubscription receive(String topic, ReceiveOptions o, Consumer<Inbound> sink) {
                return t.receive(topic, o, inbound -> sink.accept(counted(inbound)));
            }
            @Override public void declareGroup(String topic, String group) { t.declareGroup(topic, group); }
            @Override public ReplyInbox openReplyInbox(String suggestedTopic, Consumer<Inbound> sink) { return t.openReplyInbox(suggestedTopic, sink); }
            @Override public CompletableFuture<PublishReceipt> sendReply(String address, Message reply) { return t.sendReply(address, reply); }
            @Override public long maxMessageBytes() { return t.maxMessageBytes(); }
            @Override public String brokerDescription() { return t.brokerDescription(); }
            @Override public void close() { t.close(); }
        };
    }

    private Inbound counted(Inbound in) {
        int now = unsettled.incrementAndGet();
        maxUnsettled.accumulateAndGet(now, Math::max);
        return new Inbound() {
            private final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
            @Override public Message message() { return in.message(); }
            @Override public String key() { return in.key(); }
            @Override public Position position() { return in.position(); }
            @Override public int deliveryCount() { return in.deliveryCount(); }
            @Override public void ack() {
                settle();
                in.ack();
                String id;
                try {
                    id = in.message().id();
                } catch (RuntimeException notAnEnvelope) {
                    return;
                }
                afterAck.accept(id);
            }
            @Override public void nack() { settle(); in.nack(); }
            @Override public CompletableFuture<Void> redeliverAfter(Message message, java.time.Duration delay) {
                return in.redeliverAfter(message, delay).thenRun(() -> {
                    settle();
                    redeliveries.incrementAndGet();
                    afterRedelivery.accept(message.id());
                });
            }
            private void settle() { if (settled.compareAndSet(false, true)) unsettled.decrementAndGet(); }
        };
    }
}
