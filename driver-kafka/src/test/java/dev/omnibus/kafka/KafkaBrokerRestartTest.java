package dev.omnibus.kafka;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DURABLE and BROKER_DEDUPLICATION against a broker that is SIGKILLed: acknowledged messages survive
 * the kill, and the idempotent producer's retries across the restart leave no duplicate in the log.
 */
class KafkaBrokerRestartTest {
    static KafkaFixtures.Shared broker;

    @BeforeAll
    static void broker() {
        broker = KafkaFixtures.shared();
        assumeTrue(broker.supportsRestart(), "the fixture " + broker.name() + " cannot kill and restart its broker");
    }

    private static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    /** Every message id of {@code topic} from the beginning, with how often it is in the log. */
    private static Map<String, AtomicInteger> readAll(String topic, int expected) {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        try (Messaging bus = Messaging.connect(broker.url())) {
            bus.subscribe(topic, SubscribeOptions.group("reader-" + UUID.randomUUID()).startFrom(StartFrom.EARLIEST)
                    .concurrency(4).noDeadLetter(), d -> {
                seen.computeIfAbsent(d.id(), k -> new AtomicInteger()).incrementAndGet();
                total.incrementAndGet();
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= expected);
            // a marker published now arrives after everything already in the log of its partition: wait for it
            Message marker = Message.of("test.Marker", "end");
            bus.publish(topic, marker).join();
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.containsKey(marker.id()));
            seen.remove(marker.id());
        }
        return seen;
    }

    @Test
    void acknowledgedMessagesSurviveAKill() {
        String topic = topic("durable");
        List<Message> sent = new ArrayList<>();
        try (Messaging bus = Messaging.connect(broker.url() + "?partitions=1")) {
            List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Message m = Message.of("test.Durable", i).withKey("k" + (i % 10));
                sent.add(m);
                acks.add(bus.publish(topic, m));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        }
        broker.kill();
        broker.restart();
        Map<String, AtomicInteger> seen = readAll(topic, sent.size());
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(sent.stream().map(Message::id).toList());
    }

    @Test
    void idempotentProducerLeavesNoDuplicatesWhenTheBrokerDiesMidBurst() {
        String topic = topic("dedup");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        try (Messaging bus = Messaging.connect(broker.url() + "?partitions=2")) {
            bus.publish(topic, Message.of("test.Warmup", 0)).join();
            List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                Message m = Message.of("test.Burst", i).withKey("k" + (i % 16));
                acks.add(bus.publish(topic, m).whenComplete((r, e) -> { if (e == null) acked.add(m.id()); }));
                if (i == 1500) broker.kill();
            }
            long t0 = System.nanoTime();
            broker.restart();
            long t1 = System.nanoTime();
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();
            System.out.printf("restart took %d ms, all acks %d ms after it%n", (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        }
        long t2 = System.nanoTime();
        Map<String, AtomicInteger> seen = readAll(topic, acked.size());
        System.out.printf("reading back took %d ms%n", (System.nanoTime() - t2) / 1_000_000);
        assertThat(seen.keySet()).containsAll(acked);
        assertThat(seen.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey))
                .as("ids written more than once").isEmpty();
    }
}
