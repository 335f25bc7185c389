package dev.omnibus.internal;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.DeadLetterException;
import dev.omnibus.DeadLetters;
import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.Position;
import dev.omnibus.PublishOptions;
import dev.omnibus.PublishReceipt;
import dev.omnibus.Redeliveries;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.UnsupportedCapabilityException;
import dev.omnibus.idempotency.IdempotencyStore;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.SettleContext;
import dev.omnibus.observation.SettleOutcome;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The core's side of delayed redelivery (docs/semantics.md, "Delayed redelivery"), against a scripted
 * transport: the hand-back with history, the count continuing when the message comes back, the dead letter
 * with the whole history, hand-back failures held in the key's lane, claims released, and nothing read from
 * the history without a schedule.
 */
class DelayedRedeliveryPipelineTest {
    private final ScriptedTransport transport = new ScriptedTransport();
    private final List<SettleContext> settled = new CopyOnWriteArrayList<>();
    private final Messaging bus = Messaging.connect(MessagingConfig.builder("scripted://x").discoverObservers(false)
            .observer(new MessagingObserver() {
                @Override public void settled(SettleContext settle) { settled.add(settle); }
            })
            .driver(new MessagingDriver() {
                @Override public String scheme() { return "scripted"; }
                @Override public Transport connect(DriverConfig config) { return transport; }
            }).build());

    @AfterEach void close() { bus.close(); }

    private static SubscribeOptions options() {
        return SubscribeOptions.group("g").retry(RetryPolicy.fixed(2, Duration.ofMillis(1)))
                .redelivery(Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    @Test void exhaustedAttemptsHandTheMessageBackWithItsHistoryAndSettleOnlyThroughIt() {
        List<Delivery> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("t", options(), d -> {
            seen.add(d);
            throw new IllegalStateException("down " + d.attempt());
        });
        Message m = Message.builder().type("t").key("k").extension("tenantid", "acme").build();
        ScriptedTransport.Scripted in = transport.deliver("t", "k", m);
        await().atMost(Duration.ofSeconds(10)).until(() -> in.redeliveries.size() == 1);
        assertThat(seen).extracting(Delivery::attempt).containsExactly(1, 2);
        ScriptedTransport.Redelivery r = in.redeliveries.get(0);
        assertThat(r.delay()).isEqualTo(Duration.ofSeconds(30));
        Message back = r.message();
        assertThat(back.id()).isEqualTo(m.id());
        assertThat(back.extension("tenantid")).isEqualTo("acme");
        assertThat(back.extension(Redeliveries.REDELIVERIES)).isEqualTo("1");
        assertThat(back.extension(Redeliveries.ATTEMPTS)).isEqualTo("2");
        assertThat(back.extension(Redeliveries.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
        assertThat(back.extension(Redeliveries.ERROR_MESSAGE)).isEqualTo("down 2");
        assertThat(back.extension(Redeliveries.ORIGINAL_TOPIC)).isEqualTo("t");
        Instant first = Instant.parse(back.extension(Redeliveries.FIRST_FAILURE));
        await().atMost(Duration.ofSeconds(10)).until(() -> !settled.isEmpty());
        assertThat(settled.get(0).outcome()).isEqualTo(SettleOutcome.REDELIVERY_SCHEDULED);
        assertThat(in.acks.get()).as("acks").isZero();
        assertThat(in.nacks.get()).as("nacks").isZero();
        assertThat(transport.sent).as("no dead letter yet").isEmpty();

        // the broker delivers it again: the count continues, and the next delay of the schedule is used
        ScriptedTransport.Scripted again = transport.deliver("t", "k", back);
        await().atMost(Duration.ofSeconds(10)).until(() -> again.redeliveries.size() == 1);
        assertThat(seen).extracting(Delivery::attempt).containsExactly(1, 2, 3, 4);
        Message twice = again.redeliveries.get(0).message();
        assertThat(again.redeliveries.get(0).delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(twice.extension(Redeliveries.REDELIVERIES)).isEqualTo("2");
        assertThat(twice.extension(Redeliveries.ATTEMPTS)).isEqualTo("4");
        assertThat(Instant.parse(twice.extension(Redeliveries.FIRST_FAILURE))).isEqualTo(first);

        // the schedule is exhausted: the dead letter has the whole history
        ScriptedTransport.Scripted last = transport.deliver("t", "k", twice);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.containsKey("t.dlq"));
        await().atMost(Duration.ofSeconds(10)).until(() -> last.acks.get() == 1);
        assertThat(last.redeliveries).isEmpty();
        Message dead = transport.sent.get("t.dlq");
        assertThat(dead.extension(DeadLetters.ATTEMPTS)).isEqualTo("6");
        assertThat(Instant.parse(dead.extension(DeadLetters.FIRST_FAILURE))).isEqualTo(first);
        assertThat(dead.extension(DeadLetters.ERROR_MESSAGE)).isEqualTo("down 6");
        assertThat(dead.extension(Redeliveries.REDELIVERIES)).isEqualTo("2");
        assertThat(DeadLetters.original(dead)).as("redrive starts afresh").isEqualTo(m);
    }

    @Test void aFailedHandBackHoldsTheKeyAndIsRetriedNeverLost() {
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe("t", options().retry(RetryPolicy.none()), d -> {
            handled.add(d.message().dataAsString());
            if (d.message().dataAsString().equals("first")) throw new IllegalStateException("fails");
        });
        transport.failHandBacks.set(1);
        ScriptedTransport.Scripted first = transport.deliver("t", "k", text("first", "k"));
        transport.deliver("t", "k", text("second", "k"));
        transport.deliver("t", "other", text("other", "other"));
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("other"));
        assertThat(handled).as("the key waits while the hand-back is retried").doesNotContain("second");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.redeliveries.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("second"));
        assertThat(first.attempts.get()).as("hand-back calls").isEqualTo(2);
        assertThat(first.acks.get() + first.nacks.get()).isZero();
    }

    @Test void nonRetryableErrorsAreDeadLetteredAtOnce() {
        bus.subscribe("t", options(), d -> { throw new DeadLetterException("unknown customer"); });
        ScriptedTransport.Scripted in = transport.deliver("t", "k", text("x", "k"));
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.containsKey("t.dlq"));
        assertThat(in.redeliveries).isEmpty();
        assertThat(transport.sent.get("t.dlq").extension(DeadLetters.ATTEMPTS)).isEqualTo("1");
    }

    @Test void theIdempotencyClaimIsReleasedBeforeTheHandBack() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
        AtomicInteger claimAtHandBack = new AtomicInteger(-1);
        bus.subscribe("t", options().retry(RetryPolicy.none()).idempotency(store), d -> { throw new IllegalStateException("no"); });
        Message m = text("x", "k");
        transport.onHandBack = msg -> claimAtHandBack.set(store.claim("g", msg.id()).ordinal());
        ScriptedTransport.Scripted in = transport.deliver("t", "k", m);
        await().atMost(Duration.ofSeconds(10)).until(() -> in.redeliveries.size() == 1);
        assertThat(IdempotencyStore.Claim.values()[claimAtHandBack.get()]).isEqualTo(IdempotencyStore.Claim.CLAIMED);
    }

    @Test void withoutAScheduleTheHistoryIsIgnoredAndNothingIsHandedBack() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        bus.subscribe("t", SubscribeOptions.group("g").retry(RetryPolicy.fixed(2, Duration.ofMillis(1))), d -> {
            attempts.add(d.attempt());
            throw new IllegalStateException("no");
        });
        Message m = text("x", "k").toBuilder().extension(Redeliveries.REDELIVERIES, "1").extension(Redeliveries.ATTEMPTS, "7").build();
        ScriptedTransport.Scripted in = transport.deliver("t", "k", m);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent.containsKey("t.dlq"));
        assertThat(attempts).containsExactly(1, 2);
        assertThat(in.redeliveries).isEmpty();
        assertThat(transport.sent.get("t.dlq").extension(DeadLetters.ATTEMPTS)).isEqualTo("2");
    }

    @Test void subscribingWithAScheduleNeedsTheCapabilityOfTheOrdering() {
        ScriptedTransport unorderedOnly = new ScriptedTransport();
        unorderedOnly.capabilities = EnumSet.of(Capability.CONSUMER_GROUPS, Capability.PER_KEY_ORDERING, Capability.DELAYED_REDELIVERY);
        try (Messaging other = Messaging.connect(MessagingConfig.builder("scripted://y").discoverObservers(false)
                .driver(new MessagingDriver() {
                    @Override public String scheme() { return "scripted"; }
                    @Override public Transport connect(DriverConfig config) { return unorderedOnly; }
                }).build())) {
            assertThatThrownBy(() -> other.subscribe("t", options(), d -> { }))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("ORDERED_DELAYED_REDELIVERY");
            other.subscribe("t", options().ordering(Ordering.NONE), d -> { }).close();
        }
    }

    @Test void scheduledPublishGoesThroughSendAtAndALongerDelayThanTheLimitFailsNamingIt() {
        Message m = text("later", "k");
        bus.publish("t", m, PublishOptions.deliverAfter(Duration.ofMinutes(10))).join();
        assertThat(transport.scheduled).containsKey(m.id());
        assertThat(transport.scheduled.get(m.id())).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
        assertThatThrownBy(() -> bus.publish("t", text("x", "k"), PublishOptions.deliverAfter(Duration.ofDays(2))).join())
                .hasCauseInstanceOf(ConfigurationException.class).hasMessageContaining("PT24H");
    }

    @Test void theScheduleReachesTheTransportAndItsDelaysMustBeWithinTheDriversLimit() {
        bus.subscribe("t", options(), d -> { }).close();
        assertThat(transport.receiveOptions.get("t").redelivery()).isEqualTo(options().redelivery());
        assertThatThrownBy(() -> bus.subscribe("t2", options().redelivery(Duration.ofDays(2)), d -> { }))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("redelivery").hasMessageContaining("PT24H");
    }

    private static Message text(String s, String key) {
        return Message.builder().type("t").key(key).data(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain").build();
    }

    /** A transport whose inbounds the test hands to the core, recording hand-backs. */
    static final class ScriptedTransport implements Transport {
        record Redelivery(Message message, Duration delay) {}

        final Map<String, Consumer<Inbound>> sinks = new ConcurrentHashMap<>();
        final Map<String, Message> sent = new ConcurrentHashMap<>();
        final Map<String, ReceiveOptions> receiveOptions = new ConcurrentHashMap<>();
        final Map<String, Instant> scheduled = new ConcurrentHashMap<>();
        final AtomicInteger failHandBacks = new AtomicInteger();
        volatile Consumer<Message> onHandBack = m -> { };
        volatile Set<Capability> capabilities = EnumSet.of(Capability.CONSUMER_GROUPS, Capability.PER_KEY_ORDERING,
                Capability.DELAYED_REDELIVERY, Capability.ORDERED_DELAYED_REDELIVERY, Capability.SCHEDULED_DELIVERY);
        private final AtomicInteger offset = new AtomicInteger();

        final class Scripted implements Inbound {
            final Message message;
            final String key;
            final Position position = Position.of("t", offset.getAndIncrement());
            final List<Redelivery> redeliveries = new CopyOnWriteArrayList<>();
            final AtomicInteger acks = new AtomicInteger();
            final AtomicInteger nacks = new AtomicInteger();
            final AtomicInteger attempts = new AtomicInteger();

            Scripted(String key, Message message) {
                this.key = key;
                this.message = message;
            }

            @Override public Message message() { return message; }
            @Override public String key() { return key; }
            @Override public Position position() { return position; }
            @Override public int deliveryCount() { return 1; }
            @Override public void ack() { acks.incrementAndGet(); }
            @Override public void nack() { nacks.incrementAndGet(); }

            @Override public CompletableFuture<Void> redeliverAfter(Message withHistory, Duration delay) {
                attempts.incrementAndGet();
                if (failHandBacks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return CompletableFuture.failedFuture(new IllegalStateException("broker unavailable"));
                }
                onHandBack.accept(withHistory);
                redeliveries.add(new Redelivery(withHistory, delay));
                return CompletableFuture.completedFuture(null);
            }
        }

        Scripted deliver(String topic, String key, Message m) {
            Scripted s = new Scripted(key, m);
            sinks.get(topic).accept(s);
            return s;
        }

        @Override public Set<Capability> capabilities() { return capabilities; }

        @Override public CompletableFuture<PublishReceipt> send(String topic, Message message) {
            sent.put(topic, message);
            return CompletableFuture.completedFuture(new PublishReceipt(topic, message.id(), null, Instant.now()));
        }

        @Override public CompletableFuture<PublishReceipt> sendAt(String topic, Message message, Instant due) {
            scheduled.put(message.id(), due);
            return CompletableFuture.completedFuture(new PublishReceipt(topic, message.id(), null, Instant.now()));
        }

        @Override public Duration maxScheduleDelay() { return Duration.ofHours(24); }

        @Override public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
            sinks.put(topic, sink);
            receiveOptions.put(topic, options);
            return new TransportSubscription() {
                @Override public void stopReceiving() { }
                @Override public void close() { }
            };
        }

        @Override public long maxMessageBytes() { return 1 << 20; }

        @Override public void close() { }
    }
}
