package dev.omnibus.kafka;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.PublishReceipt;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.conformance.history.History;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offset commits through the Messaging API: with concurrency and retries acks come out of order, yet the
 * group's committed offsets reach the end of every partition (nothing left to redeliver) and a rebalance
 * between two consumers of one group loses nothing.
 */
class KafkaCommitTest {
    static KafkaFixtures.Shared broker;

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    private static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    private static Messaging connect() {
        return Messaging.connect(MessagingConfig.builder(broker.url()).option("partitions", "4").option("closeTimeout", "10s").build());
    }

    private static List<Message> publish(Messaging bus, String topic, History h, int keys, int perKey, int firstSeq) {
        List<Message> sent = new ArrayList<>();
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int seq = firstSeq; seq < firstSeq + perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                Message m = History.message("key-" + k, seq);
                sent.add(m);
                futures.add(h.track(m, bus.publish(topic, m)));
            }
        }
        History.awaitAll(futures, 60);
        return sent;
    }

    /** Committed offset of every partition equals its end offset. */
    private static boolean fullyCommitted(String topic, String group) throws Exception {
        try (Admin admin = broker.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < partitions; p++) specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            var ends = admin.listOffsets(specs).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                if (e.getValue().offset() > 0 && (c == null || c.offset() != e.getValue().offset())) return false;
            }
            return true;
        }
    }

    @Test
    void outOfOrderAcksWithConcurrencyAndRetriesCommitEverythingAndNothingTwice() throws Exception {
        String topic = topic("commit");
        String group = "g-" + UUID.randomUUID();
        History h = history();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        try (Messaging bus = connect()) {
            Subscription s = bus.subscribe(topic, SubscribeOptions.group(group).concurrency(4)
                    .retry(RetryPolicy.fixed(3, Duration.ofMillis(5))), d -> {
                h.delivered(group, d);
                long seq = Long.parseLong(d.message().extension(History.SEQ));
                if (seq % 5 == 2 && failedOnce.add(d.id())) throw new IllegalStateException("transient, seq " + seq);
            });
            publish(bus, topic, h, 20, 50, 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> h.receivedUnique(group) == 1000);
            await("committed offsets reach the end of every partition").atMost(Duration.ofSeconds(30))
                    .until(() -> fullyCommitted(topic, group));
            History.Verdict v = h.verdict(group);
            assertThat(v.lost()).as(v.toString()).isZero();
            assertThat(v.outOfOrder()).as(v.toString()).isZero();
            assertThat(h.invocations(group)).isEqualTo(1000 + failedOnce.size());
            s.close();
        }
        // a new member of the group gets nothing old again
        ConcurrentLinkedQueue<String> later = new ConcurrentLinkedQueue<>();
        try (Messaging bus = connect()) {
            bus.subscribe(topic, SubscribeOptions.group(group), d -> later.add(d.id()));
            Message marker = Message.of("test.Marker", "m");
            bus.publish(topic, marker).join();
            await().atMost(Duration.ofSeconds(60)).until(() -> later.contains(marker.id()));
            assertThat(later).containsExactly(marker.id());
        }
    }

    @Test
    void rebalanceBetweenTwoConsumersOfOneGroupLosesNothing() throws Exception {
        String topic = topic("rebalance");
        String group = "g-" + UUID.randomUUID();
        History h = history();
        try (Messaging producer = connect()) {
            Messaging a = connect();
            a.subscribe(topic, SubscribeOptions.group(group).concurrency(2), d -> h.delivered(group, d));
            publish(producer, topic, h, 20, 50, 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> h.receivedUnique(group) >= 200);
            try (Messaging b = connect()) {
                b.subscribe(topic, SubscribeOptions.group(group).concurrency(2), d -> h.delivered(group, d));
                publish(producer, topic, h, 20, 50, 50);
                await().atMost(Duration.ofSeconds(60)).until(() -> h.receivedUnique(group) >= 1500);
                a.close(); // the second rebalance: b takes over every partition
                publish(producer, topic, h, 20, 25, 100);
                await().atMost(Duration.ofSeconds(60)).until(() -> h.receivedUnique(group) == 2500);
                await().atMost(Duration.ofSeconds(30)).until(() -> fullyCommitted(topic, group));
            }
            History.Verdict v = h.verdict(group);
            assertThat(v.lost()).as(v.toString()).isZero();
            assertThat(v.received()).as(v.toString()).isEqualTo(2500);
            System.out.println("rebalance test: " + v);
        }
    }

    private static History history() { return new History(); }
}
