package dev.omnibus.internal;

import dev.omnibus.Capability;
import dev.omnibus.DeadLetters;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A driver whose decoder fails with something other than {@link InvalidEnvelopeException} (a bug, or an
 * envelope rule it did not anticipate) must not wedge the message's key: the message is dead-lettered as an
 * invalid envelope and the next message of the same key is still handled.
 */
class UndecodableInboundTest {
    @Test void aDecoderFailureIsDeadLetteredAndTheKeyGoesOn() {
        ScriptedTransport transport = new ScriptedTransport();
        MessagingDriver driver = new MessagingDriver() {
            @Override public String scheme() { return "scripted"; }
            @Override public Transport connect(DriverConfig config) { return transport; }
        };
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Messaging bus = Messaging.connect(MessagingConfig.builder("scripted://x").driver(driver).build())) {
            bus.subscribe("t", SubscribeOptions.defaults(), d -> handled.add(d.id()));
            Consumer<Inbound> sink = transport.sinks.get("t");
            Message good = Message.builder().type("t").key("k").build();
            sink.accept(transport.inbound("k", () -> { throw new IllegalStateException("decoder bug"); }));
            sink.accept(transport.inbound("k", () -> good));
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(good.id()));
            await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.containsKey("t.dlq"));
            Message dead = transport.sent.get("t.dlq");
            assertThat(dead.extension(DeadLetters.ERROR_TYPE)).isEqualTo(InvalidEnvelopeException.class.getName());
            assertThat(dead.extension(DeadLetters.ERROR_MESSAGE)).contains("decoder bug");
            assertThat(dead.key()).isEqualTo("k");
            await().atMost(Duration.ofSeconds(10)).until(() -> transport.acked.size() == 2);
        }
    }

    /** A transport whose inbounds the test hands to the core one by one. */
    static final class ScriptedTransport implements Transport {
        final Map<String, Consumer<Inbound>> sinks = new ConcurrentHashMap<>();
        final Map<String, Message> sent = new ConcurrentHashMap<>();
        final List<Inbound> acked = new CopyOnWriteArrayList<>();
        private long offset;

        Inbound inbound(String key, java.util.function.Supplier<Message> decode) {
            Position p = Position.of("t", offset++);
            return new Inbound() {
                @Override public Message message() { return decode.get(); }
                @Override public String key() { return key; }
                @Override public Position position() { return p; }
                @Override public int deliveryCount() { return 1; }
                @Override public void ack() { acked.add(this); }
                @Override public void nack() { }
            };
        }

        @Override public Set<Capability> capabilities() { return Set.of(Capability.PER_KEY_ORDERING); }

        @Override public CompletableFuture<PublishReceipt> send(String topic, Message message) {
            sent.put(topic, message);
            return CompletableFuture.completedFuture(new PublishReceipt(topic, message.id(), null, Instant.now()));
        }

        @Override public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
            sinks.put(topic, sink);
            return new TransportSubscription() {
                @Override public void stopReceiving() { }
                @Override public void close() { }
            };
        }

        @Override public long maxMessageBytes() { return 1 << 20; }

        @Override public void close() { }
    }
}
