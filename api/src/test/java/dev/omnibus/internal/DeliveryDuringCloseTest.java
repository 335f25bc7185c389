package dev.omnibus.internal;

import dev.omnibus.Capability;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker may hand a message that was given back (nacked) straight to the same subscriber, on the thread that
 * gave it back, for as long as that subscriber still receives (the memory broker does). A delivery that races a
 * close must then not be given back before the subscription stopped receiving: each give-back would be met by
 * the same delivery again, a recursion on one thread that ran until the stack overflowed and lost the message's
 * place in the broker (found by the kit's {@code unstartedMessagesGoBackToTheBrokerOnClose} under load).
 */
class DeliveryDuringCloseTest {
    @Test void aDeliveryRacingTheCloseEndsOnceWithoutARedeliveryLoop() {
        RedeliveringTransport transport = new RedeliveringTransport();
        MessagingDriver driver = new MessagingDriver() {
            @Override public String scheme() { return "redelivering"; }
            @Override public Transport connect(DriverConfig config) { return transport; }
        };
        AtomicInteger handled = new AtomicInteger();
        try (Messaging bus = Messaging.connect(MessagingConfig.builder("redelivering://x").driver(driver).build())) {
            Subscription s = bus.subscribe("t", SubscribeOptions.defaults(), d -> handled.incrementAndGet());
            s.close(Duration.ofSeconds(5)); // the transport delivers one message as close stops it
        }
        // Dispatched before the close stopped the workers, it is either handled or given back, once.
        assertThat(transport.deliveries.get()).as("deliveries").isEqualTo(1);
        assertThat(transport.givenBack.get() + transport.acked.get()).as("give-backs and acks").isEqualTo(1);
        assertThat(handled.get()).as("handled").isEqualTo(transport.acked.get());
    }

    /** Redelivers a nacked message to the subscriber at once, on the nacking thread, while it still receives. */
    static final class RedeliveringTransport implements Transport {
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger givenBack = new AtomicInteger();
        final AtomicInteger acked = new AtomicInteger();
        private final Message message = Message.builder().type("t").source("test").key("k").build();
        private volatile boolean receiving = true;
        private Consumer<Inbound> sink;

        private void deliver() {
            if (!receiving || deliveries.incrementAndGet() > 500) return; // bounded: a failure is an assertion, not a stack overflow
            sink.accept(new Inbound() {
                @Override public Message message() { return message; }
                @Override public String key() { return "k"; }
                @Override public Position position() { return Position.of("t", 0); }
                @Override public int deliveryCount() { return deliveries.get(); }
                @Override public void ack() { acked.incrementAndGet(); }
                @Override public void nack() {
                    givenBack.incrementAndGet();
                    deliver();
                }
            });
        }

        @Override public Set<Capability> capabilities() { return Set.of(Capability.PER_KEY_ORDERING); }

        @Override public CompletableFuture<PublishReceipt> send(String topic, Message m) {
            return CompletableFuture.completedFuture(new PublishReceipt(topic, m.id(), null, Instant.now()));
        }

        @Override public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
            this.sink = sink;
            return new TransportSubscription() {
                @Override public void stopReceiving() {
                    deliver(); // a delivery that was on its way when the close began
                    receiving = false;
                }
                @Override public void close() { }
            };
        }

        @Override public long maxMessageBytes() { return 1 << 20; }

        @Override public void close() { }
    }
}
