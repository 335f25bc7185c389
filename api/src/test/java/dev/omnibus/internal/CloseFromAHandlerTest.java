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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A close called from a handler of what is being closed cannot wait for that handler, whose message settles only
 * after it returns. Such a close stops the inflow, returns, and finishes on a thread of its own: the handler's
 * message is acked first, then the driver's subscription (and, for the whole instance, the transport) is closed.
 * Before, it waited out the whole close timeout for itself and then closed the subscription under the running
 * handler, whose ack came too late.
 */
class CloseFromAHandlerTest {
    private static final Duration LONG = Duration.ofMinutes(10); // a close that waited for its own handler would hang the test

    @Test void aHandlerClosingItsOwnSubscriptionIsNotHeldAndItsMessageIsAckedBeforeTheSubscriptionCloses() {
        RecordingTransport transport = new RecordingTransport();
        AtomicReference<Subscription> self = new AtomicReference<>();
        AtomicBoolean returned = new AtomicBoolean();
        try (Messaging bus = connect(transport)) {
            self.set(bus.subscribe("t", SubscribeOptions.defaults(), d -> {
                self.get().close(LONG);
                returned.set(!self.get().isActive());
            }));
            transport.deliver("t", "m1");
            await().atMost(Duration.ofSeconds(30)).untilTrue(returned);
            await().atMost(Duration.ofSeconds(30)).until(() -> transport.events.contains("t closed"));
            assertThat(transport.events).containsSubsequence("t stopReceiving", "m1 ack", "t closed");
            assertThat(transport.closedOn.get("t")).as("the thread that closed the driver's subscription").isEqualTo("omnibus-close-t");
        }
    }

    @Test void aHandlerClosingItsWholeInstanceIsNotHeldAndEverySubscriptionStopsAtOnce() {
        RecordingTransport transport = new RecordingTransport();
        AtomicReference<Subscription> other = new AtomicReference<>();
        AtomicBoolean returned = new AtomicBoolean();
        Messaging bus = connect(transport);
        other.set(bus.subscribe("u", SubscribeOptions.defaults(), d -> { }));
        bus.subscribe("t", SubscribeOptions.defaults(), d -> {
            bus.close();
            returned.set(!other.get().isActive());
        });
        transport.deliver("t", "m1");
        await().atMost(Duration.ofSeconds(30)).untilTrue(returned);
        await().atMost(Duration.ofSeconds(30)).until(() -> transport.events.contains("transport closed"));
        assertThat(transport.events).containsSubsequence("t stopReceiving", "m1 ack", "t closed", "transport closed");
        assertThat(transport.events).containsSubsequence("u stopReceiving", "u closed", "transport closed");
    }

    /**
     * The usual shape of "stop after this message": the handler closes its subscription and tells the application,
     * which closes the instance at once. The instance's close must wait for the subscription's close the handler
     * began, or it would close the transport before the handler's message is acked.
     */
    @Test void closingTheInstanceRightAfterAHandlerClosedItsSubscriptionWaitsForThatClose() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        AtomicReference<Subscription> self = new AtomicReference<>();
        CountDownLatch closedByHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Messaging bus = connect(transport);
        self.set(bus.subscribe("t", SubscribeOptions.defaults(), d -> {
            self.get().close(LONG);
            closedByHandler.countDown();
            release.await(30, TimeUnit.SECONDS);
        }));
        transport.deliver("t", "m1");
        assertThat(closedByHandler.await(30, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(bus::close, "application-close");
        closer.start();
        // the instance's close waits (for the subscription's close) or, wrongly, is already through
        await().atMost(Duration.ofSeconds(30)).until(() -> closer.getState() == Thread.State.TIMED_WAITING
                || closer.getState() == Thread.State.WAITING || !closer.isAlive());
        release.countDown();
        closer.join(30_000);
        assertThat(transport.events).containsSubsequence("m1 ack", "t closed", "transport closed");
    }

    @Test void aHandlerClosingAnotherSubscriptionWaitsForItAsAnyCallerDoes() {
        RecordingTransport transport = new RecordingTransport();
        AtomicReference<Subscription> other = new AtomicReference<>();
        AtomicBoolean closedWhenCloseReturned = new AtomicBoolean();
        try (Messaging bus = connect(transport)) {
            other.set(bus.subscribe("u", SubscribeOptions.defaults(), d -> { }));
            bus.subscribe("t", SubscribeOptions.defaults(), d -> {
                other.get().close(LONG);
                closedWhenCloseReturned.set(transport.events.contains("u closed"));
            });
            transport.deliver("t", "m1");
            await().atMost(Duration.ofSeconds(30)).until(() -> transport.events.contains("m1 ack"));
            assertThat(closedWhenCloseReturned).as("u's driver subscription closed before its close returned").isTrue();
        }
    }

    private static Messaging connect(Transport transport) {
        MessagingDriver driver = new MessagingDriver() {
            @Override public String scheme() { return "recording"; }
            @Override public Transport connect(DriverConfig config) { return transport; }
        };
        return Messaging.connect(MessagingConfig.builder("recording://x").driver(driver).build());
    }

    /** Delivers on request and records stops, acks, nacks and closes in the order they happen. */
    static final class RecordingTransport implements Transport {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, String> closedOn = new ConcurrentHashMap<>();
        private final Map<String, Consumer<Inbound>> sinks = new ConcurrentHashMap<>();

        void deliver(String topic, String name) {
            Message message = Message.builder().type("t").source("test").key("k").build();
            sinks.get(topic).accept(new Inbound() {
                @Override public Message message() { return message; }
                @Override public String key() { return "k"; }
                @Override public Position position() { return Position.of(topic, 0); }
                @Override public int deliveryCount() { return 1; }
                @Override public void ack() { events.add(name + " ack"); }
                @Override public void nack() { events.add(name + " nack"); }
            });
        }

        @Override public Set<Capability> capabilities() { return Set.of(Capability.PER_KEY_ORDERING); }

        @Override public CompletableFuture<PublishReceipt> send(String topic, Message m) {
            return CompletableFuture.completedFuture(new PublishReceipt(topic, m.id(), null, Instant.now()));
        }

        @Override public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
            sinks.put(topic, sink);
            return new TransportSubscription() {
                @Override public void stopReceiving() { events.add(topic + " stopReceiving"); }
                @Override public void close() {
                    closedOn.put(topic, Thread.currentThread().getName());
                    events.add(topic + " closed");
                }
            };
        }

        @Override public long maxMessageBytes() { return 1 << 20; }

        @Override public void close() { events.add("transport closed"); }
    }
}
