package dev.omnibus.kafka;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.PublishOptions;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SCHEDULED_DELIVERY through the delay tiers on a real broker: never before due, within a generous bound
 * after, in due order per key, a past time at once, a delay beyond the limit refused, and durable across a
 * restart of every forwarder and a SIGKILL of the broker. Lateness figures are printed, not asserted
 * (benchmarks: docs/drivers/kafka.md).
 */
class KafkaScheduledDeliveryTest {
    static KafkaFixtures.Shared broker;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable c : opened) c.close();
        opened.clear();
    }

    private Messaging connect(String query) {
        Messaging m = Messaging.connect(broker.url() + query);
        opened.add(m);
        return m;
    }

    private static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    /** Receive times by message id, of a group subscription from the earliest offset. */
    private Map<String, Instant> receiveAll(Messaging bus, String topic, List<String> order) {
        Map<String, Instant> got = new ConcurrentHashMap<>();
        Subscription s = bus.subscribe(topic, SubscribeOptions.group("g-" + UUID.randomUUID()).startFrom(StartFrom.EARLIEST)
                .concurrency(4).noDeadLetter(), d -> {
            // at least once: a forwarder that loses a tier partition before committing moves a record again
            if (got.putIfAbsent(d.id(), Instant.now()) == null && order != null) order.add(d.id());
        });
        opened.add(s);
        return got;
    }

    private static void printLateness(String what, Map<String, Instant> due, Map<String, Instant> got) {
        List<Long> late = new ArrayList<>();
        due.forEach((id, d) -> late.add(Duration.between(d, got.get(id)).toMillis()));
        Collections.sort(late);
        System.out.printf("%s: %d messages, lateness ms p50=%d p99=%d max=%d%n", what, late.size(),
                late.get(late.size() / 2), late.get((int) (late.size() * 0.99)), late.get(late.size() - 1));
    }

    /** Waits until the forwarders' group is stable (no rebalance in progress) and has a member. */
    private static void awaitForwardersSettled() {
        try (var admin = broker.admin()) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                var g = admin.describeConsumerGroups(List.of("omnibus-scheduler")).all().get().get("omnibus-scheduler");
                return g.groupState() == org.apache.kafka.common.GroupState.STABLE && !g.members().isEmpty();
            });
        }
    }

    /**
     * The benchmark figure of docs/drivers/kafka.md (run it with {@code -Domnibus.bench=true}; optional
     * {@code -Domnibus.bench.count=10000 -Domnibus.bench.spanSeconds=60}): messages due evenly over the span,
     * published at once by one process, received by another, both running a forwarder.
     */
    @Test
    void latenessBenchmark() {
        assumeTrue(Boolean.getBoolean("omnibus.bench"), "a benchmark: -Domnibus.bench=true");
        int count = Integer.getInteger("omnibus.bench.count", 10_000);
        int span = Integer.getInteger("omnibus.bench.spanSeconds", 60);
        Messaging bus = connect("");
        String t = topic("bench");
        Map<String, Instant> got = receiveAll(connect(""), t, null);
        awaitForwardersSettled();
        Map<String, Instant> due = new ConcurrentHashMap<>();
        List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
        Instant start = Instant.now().plusSeconds(2);
        for (int i = 0; i < count; i++) {
            Message m = Message.of("test.Bench", i).withKey("k" + (i % 64));
            Instant at = start.plusMillis(i * (span * 1000L) / count);
            due.put(m.id(), at);
            acks.add(bus.publish(t, m, PublishOptions.deliverAt(at)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(span + 120L)).until(() -> got.size() >= count);
        due.forEach((id, at) -> assertThat(got.get(id)).isAfterOrEqualTo(at));
        printLateness("latenessBenchmark " + count + " over " + span + " s", due, got);
    }

    @Test
    void declaresScheduledDelivery() {
        assertThat(connect("").capabilities()).contains(Capability.SCHEDULED_DELIVERY);
        assertThat(connect("?kafka.acks=1&kafka.enable.idempotence=false").capabilities()).doesNotContain(Capability.SCHEDULED_DELIVERY);
    }

    @Test
    void deliveredWhenDueNeverBefore() {
        Messaging bus = connect("");
        String t = topic("scheduled");
        Map<String, Instant> got = receiveAll(connect(""), t, null);
        awaitForwardersSettled();
        Map<String, Instant> due = new HashMap<>();
        List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
        // 400 messages due between 0.3 s and 12.3 s from now: every tier up to 5 s, and the in-memory remainder
        for (int i = 0; i < 400; i++) {
            Message m = Message.of("test.Scheduled", i).withKey("k" + (i % 16));
            Instant at = Instant.now().plusMillis(300 + (i * 12_000L / 400));
            due.put(m.id(), at);
            acks.add(bus.publish(t, m, PublishOptions.deliverAt(at)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(60)).until(() -> got.size() >= due.size());
        due.forEach((id, at) -> assertThat(got.get(id)).as("receive time of %s due at %s", id, at).isAfterOrEqualTo(at)
                .isBefore(at.plusSeconds(10)));
        printLateness("deliveredWhenDueNeverBefore", due, got);
    }

    @Test
    void oneKeyArrivesInDueOrderWhateverThePublishOrder() {
        Messaging bus = connect("");
        String t = topic("due-order");
        List<String> order = new CopyOnWriteArrayList<>();
        Map<String, Instant> got = receiveAll(connect(""), t, order);
        Instant base = Instant.now().plusSeconds(2);
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
        // published latest-due first: 8 messages of one key, due 400 ms apart (spanning tiers and remainders)
        for (int i = 7; i >= 0; i--) {
            Message m = Message.of("test.Order", i).withKey("one-key");
            expected.add(0, m.id());
            acks.add(bus.publish(t, m, PublishOptions.deliverAt(base.plusMillis(i * 400L))));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(60)).until(() -> got.size() >= 8);
        assertThat(order).containsExactlyElementsOf(expected);
    }

    @Test
    void aPastDueTimeDeliversAtOnceAndTooFarIsRefused() {
        Messaging bus = connect("");
        String t = topic("past");
        Map<String, Instant> got = receiveAll(connect(""), t, null);
        Message m = Message.of("test.Past", "x");
        bus.publish(t, m, PublishOptions.deliverAt(Instant.now().minusSeconds(3600))).orTimeout(30, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> got.containsKey(m.id()));
        assertThatThrownBy(() -> bus.publish(t, Message.of("test.Far", "x"), PublishOptions.deliverAfter(Duration.ofDays(91))).join())
                .hasRootCauseInstanceOf(ConfigurationException.class).hasMessageContaining("PT2160H");
    }

    /**
     * Scheduled while no process runs a forwarder (delayForwarder=false everywhere), the messages wait in the
     * tiers; a process with a forwarder started after they were due delivers them at once.
     */
    @Test
    void messagesWaitForAForwarderAndSurviveRestarts() {
        String t = topic("no-forwarder");
        Map<String, Instant> got = receiveAll(connect("?delayForwarder=false"), t, null);
        Messaging publisher = connect("?delayForwarder=false");
        List<String> ids = new ArrayList<>();
        Instant dueAt = Instant.now().plusSeconds(6);
        for (int i = 0; i < 20; i++) {
            Message m = Message.of("test.Waiting", i).withKey("k" + i);
            ids.add(m.id());
            publisher.publish(t, m, PublishOptions.deliverAt(dueAt)).orTimeout(30, TimeUnit.SECONDS).join();
        }
        // a forwarder that runs for a moment (it may move records to a lower tier), then stops
        Messaging first = Messaging.connect(broker.url());
        try (var admin = broker.admin()) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.describeConsumerGroups(List.of("omnibus-scheduler"))
                    .all().get().get("omnibus-scheduler").members().stream().anyMatch(mb -> !mb.assignment().topicPartitions().isEmpty()));
        }
        first.close();
        assertThat(got).as("nothing is delivered before due").isEmpty();
        connect(""); // a process with the forwarder picks up where the first one committed
        await().atMost(Duration.ofSeconds(60)).until(() -> got.keySet().containsAll(ids));
        ids.forEach(id -> assertThat(got.get(id)).isAfterOrEqualTo(dueAt));
    }

    @Test
    void scheduledMessagesSurviveABrokerKill() {
        assumeTrue(broker.supportsRestart(), "the fixture " + broker.name() + " cannot kill and restart its broker");
        String t = topic("broker-kill");
        Messaging bus = connect("");
        Map<String, String> byId = new HashMap<>();
        Instant dueAt = Instant.now().plusSeconds(6);
        List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Message m = Message.of("test.Killed", i).withKey("k" + (i % 8));
            byId.put(m.id(), "k" + (i % 8));
            acks.add(bus.publish(t, m, PublishOptions.deliverAt(dueAt)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        broker.kill();
        broker.restart();
        Map<String, Instant> got = receiveAll(connect(""), t, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> got.keySet().containsAll(byId.keySet()));
        byId.keySet().forEach(id -> assertThat(got.get(id)).isAfterOrEqualTo(dueAt));
    }
}
