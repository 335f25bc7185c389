package dev.omnibus.pulsar;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.PublishOptions;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.conformance.BrokerFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SCHEDULED_DELIVERY on a real Pulsar broker: Pulsar's {@code deliverAt} reaches every kind of
 * subscription the driver opens (Key_Shared and Shared groups, group-less ones of both orderings) no
 * earlier than due, does not hold back later messages of its key, and a past time delivers at once.
 * Timing bounds are generous (the machine is shared); "not before due" is exact.
 */
class PulsarScheduledDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static BrokerFixture broker;

    @BeforeAll
    static void start() { broker = PulsarFixtures.shared(); }

    private static Messaging connect(Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(broker.options());
        options.putAll(extra);
        return Messaging.connect(MessagingConfig.builder(broker.url()).options(options).build());
    }

    private static String topic() { return "sched-" + UUID.randomUUID().toString().substring(0, 8); }

    @Test
    void declaresScheduledDelivery() {
        try (Messaging bus = connect(Map.of())) {
            assertThat(bus.capabilities()).contains(Capability.SCHEDULED_DELIVERY, Capability.DELAYED_REDELIVERY)
                    .doesNotContain(Capability.ORDERED_DELAYED_REDELIVERY);
        }
    }

    @Test
    void everySubscriptionReceivesAScheduledMessageNoEarlierThanDue() throws Exception {
        String topic = topic();
        Map<String, SubscribeOptions> subscriptions = new LinkedHashMap<>();
        subscriptions.put("group PER_KEY (Key_Shared)", SubscribeOptions.group("ordered"));
        subscriptions.put("group NONE (Shared)", SubscribeOptions.group("unordered").ordering(Ordering.NONE));
        subscriptions.put("group-less PER_KEY", SubscribeOptions.defaults());
        subscriptions.put("group-less NONE", SubscribeOptions.defaults().ordering(Ordering.NONE));
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        Map<String, Instant> scheduledAt = new ConcurrentHashMap<>();
        try (Messaging bus = connect(Map.of())) {
            List<Subscription> subs = new ArrayList<>();
            subscriptions.forEach((name, options) -> {
                seen.put(name, Collections.synchronizedList(new ArrayList<>()));
                subs.add(bus.subscribe(topic, options, d -> {
                    String body = d.message().dataAsString();
                    if (body.contains("scheduled")) scheduledAt.putIfAbsent(name, Instant.now());
                    seen.get(name).add(body);
                }));
            });
            Duration delay = Duration.ofSeconds(5);
            Instant before = Instant.now();
            bus.publish(topic, Message.of("com.acme.Reminder", "scheduled").withKey("k"), PublishOptions.deliverAfter(delay))
                    .get(30, TimeUnit.SECONDS);
            // a later message of the same key, published at once, is not held back behind the scheduled one
            bus.publish(topic, Message.of("com.acme.Reminder", "now").withKey("k")).get(30, TimeUnit.SECONDS);
            Instant due = before.plus(delay);

            await().atMost(WAIT).untilAsserted(() -> assertThat(scheduledAt).hasSize(subscriptions.size()));
            scheduledAt.forEach((name, at) -> {
                assertThat(at).as("%s received the scheduled message at %s, due %s", name, at, due).isAfterOrEqualTo(due);
                assertThat(at).as("%s received the scheduled message far too late", name).isBefore(due.plusSeconds(30));
                assertThat(seen.get(name)).as(name).containsExactly("\"now\"", "\"scheduled\"");
            });
            subs.forEach(s -> s.close(Duration.ofSeconds(5)));
        }
    }

    @Test
    void scheduledMessagesArriveInOrderOfTheirDueTimes() throws Exception {
        String topic = topic();
        List<String> ordered = Collections.synchronizedList(new ArrayList<>());
        List<String> unordered = Collections.synchronizedList(new ArrayList<>());
        try (Messaging bus = connect(Map.of())) {
            Subscription a = bus.subscribe(topic, SubscribeOptions.group("ordered").concurrency(4), d -> ordered.add(d.message().dataAsString()));
            Subscription b = bus.subscribe(topic, SubscribeOptions.group("unordered").ordering(Ordering.NONE).concurrency(4),
                    d -> unordered.add(d.message().dataAsString()));
            Instant base = Instant.now().plusSeconds(3);
            // published last-due first; due 1.5 s apart (above the broker's 1 s tick); a key each
            for (int i = 4; i >= 0; i--) {
                bus.publish(topic, Message.of("com.acme.Due", "d" + i).withKey("k" + i),
                        PublishOptions.deliverAt(base.plusMillis(1500L * i))).get(30, TimeUnit.SECONDS);
            }
            List<String> expected = List.of("\"d0\"", "\"d1\"", "\"d2\"", "\"d3\"", "\"d4\"");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(ordered).containsExactlyElementsOf(expected);
                assertThat(unordered).containsExactlyElementsOf(expected);
            });
            a.close(Duration.ofSeconds(5));
            b.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aTimeInThePastDeliversAtOnce() throws Exception {
        String topic = topic();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Messaging bus = connect(Map.of())) {
            Subscription s = bus.subscribe(topic, SubscribeOptions.group("g"), d -> seen.add(d.message().dataAsString()));
            bus.publish(topic, Message.of("com.acme.Late", "past").withKey("k"),
                    PublishOptions.deliverAt(Instant.now().minus(Duration.ofHours(1)))).get(30, TimeUnit.SECONDS);
            bus.publish(topic, Message.of("com.acme.Late", "zero"), PublishOptions.deliverAfter(Duration.ZERO)).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(seen).containsExactlyInAnyOrder("\"past\"", "\"zero\""));
            s.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDelayBeyondMaxScheduleDelayFailsAtPublishNamingTheLimit() {
        String topic = topic();
        try (Messaging bus = connect(Map.of("maxScheduleDelay", "10s"))) {
            assertThatThrownBy(() -> bus.publish(topic, Message.of("com.acme.Far", 1), PublishOptions.deliverAfter(Duration.ofSeconds(11)))
                    .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ConfigurationException.class).hasMessageContaining("PT10S");
        }
        try (Messaging bus = connect(Map.of())) {
            assertThatThrownBy(() -> bus.publish(topic, Message.of("com.acme.Far", 1), PublishOptions.deliverAfter(Duration.ofDays(366)))
                    .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ConfigurationException.class).hasMessageContaining("PT8760H");
        }
    }

    /**
     * The lateness figure of docs/drivers/pulsar.md, opt-in ({@code -Domnibus.bench=true}; optional
     * {@code -Domnibus.bench.count=10000 -Domnibus.bench.spanSeconds=60}): messages due evenly over the span,
     * published in a shuffled order, one Shared group with 4 workers. Asserts only that none is early or
     * missing; prints the lateness (handler start minus due time).
     */
    @Test
    void latenessFigure() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("omnibus.bench"), "a benchmark: -Domnibus.bench=true");
        int count = Integer.getInteger("omnibus.bench.count", 10_000);
        int span = Integer.getInteger("omnibus.bench.spanSeconds", 60);
        String topic = topic();
        Map<String, Long> latenessMillis = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger early = new java.util.concurrent.atomic.AtomicInteger();
        try (Messaging bus = connect(Map.of())) {
            Subscription s = bus.subscribe(topic, SubscribeOptions.group("lateness").ordering(Ordering.NONE).concurrency(4).maxInFlight(1024),
                    d -> {
                        long late = Duration.between(Instant.parse(d.message().extension("benchdue")), Instant.now()).toMillis();
                        if (late < 0) early.incrementAndGet();
                        latenessMillis.putIfAbsent(d.id(), late);
                    });
            Instant start = Instant.now().plusSeconds(10);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < count; i++) order.add(i);
            Collections.shuffle(order, new java.util.Random(16));
            List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
            for (int i : order) {
                Instant due = start.plusNanos(Duration.ofSeconds(span).toNanos() * i / count);
                sent.add(bus.publish(topic, Message.of("com.acme.Bench", i).withKey("k" + (i % 64)).withExtension("benchdue", due.toString()),
                        PublishOptions.deliverAt(due)));
            }
            for (var f : sent) f.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(span + 120)).until(() -> latenessMillis.size() == count);
            s.close(Duration.ofSeconds(5));
        }
        long[] sorted = latenessMillis.values().stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("PULSAR SCHEDULED LATENESS: %d over %ds, early %d, p50 %d ms, p99 %d ms, max %d ms%n", count, span,
                early.get(), sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.99)], sorted[sorted.length - 1]);
        assertThat(early.get()).as("delivered before due").isZero();
    }
}
