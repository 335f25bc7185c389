package dev.omnibus.kafka;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.Ordering;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Delayed redelivery on Kafka beyond the kit: with Ordering.NONE the redelivery goes to the group's own topic only
 * (another group of the topic never sees it); with PER_KEY the record is parked in place, in the committed offset's
 * metadata; a schedule needs a group.
 */
class KafkaDelayedRedeliveryTest {
    static KafkaFixtures.Shared broker;
    private final List<Messaging> opened = new ArrayList<>();

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    @AfterEach
    void closeAll() {
        opened.forEach(Messaging::close);
        opened.clear();
    }

    private Messaging connect() {
        Messaging m = Messaging.connect(broker.url());
        opened.add(m);
        return m;
    }

    private static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    @Test
    void theRedeliveryReachesTheFailingGroupOnlyThroughItsOwnTopic() throws Exception {
        Messaging bus = connect();
        assertThat(bus.capabilities()).contains(Capability.DELAYED_REDELIVERY, Capability.ORDERED_DELAYED_REDELIVERY);
        String t = topic("redeliver");
        List<String> failing = new CopyOnWriteArrayList<>();
        List<Instant> failingAt = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        var failingSubscription = bus.subscribe(t, SubscribeOptions.group("failing").ordering(Ordering.NONE).retry(RetryPolicy.none())
                .redelivery(Duration.ofSeconds(2)), d -> {
            failing.add(d.id() + "#" + d.attempt() + "@" + d.topic());
            failingAt.add(Instant.now());
            if (d.attempt() == 1) throw new IllegalStateException("first attempt fails");
        });
        connect().subscribe(t, SubscribeOptions.group("other").ordering(Ordering.NONE), d -> other.add(d.id()));
        Message m = Message.of("test.Redeliver", "x").withKey("k");
        bus.publish(t, m).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> failing.size() >= 2);
        assertThat(failing).containsExactly(m.id() + "#1@" + t, m.id() + "#2@" + t);
        assertThat(Duration.between(failingAt.get(0), failingAt.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(1995));
        // a marker after the redelivery: the other group has seen everything before it, and the original only once
        Message marker = Message.of("test.Marker", "m").withKey("k");
        bus.publish(t, marker).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> other.contains(marker.id()));
        assertThat(other).containsExactly(m.id(), marker.id());
        try (var admin = broker.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(t + ".redelivery.failing")
                    .doesNotContain(t + ".redelivery.other");
        }
        // the admin API shows the application's topic, not the delay infrastructure, and deletes both
        assertThat(bus.admin().topics()).contains(t).doesNotContain(t + ".redelivery.failing")
                .noneMatch(name -> name.startsWith("omnibus.delay."));
        failingSubscription.close();
        bus.admin().deleteTopic(t);
        try (var admin = broker.admin()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin.listTopics().names()
                    .get(30, TimeUnit.SECONDS)).doesNotContain(t, t + ".redelivery.failing"));
        }
    }

    @Test
    void aScheduleNeedsAGroup() {
        Messaging bus = connect();
        for (Ordering ordering : Ordering.values()) {
            assertThatThrownBy(() -> bus.subscribe(topic("nogroup"), SubscribeOptions.defaults().ordering(ordering)
                    .redelivery(Duration.ofSeconds(1)), d -> {}))
                    .as("ordering %s", ordering).isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a consumer group");
        }
    }

    /**
     * PER_KEY: the parked record and the later ones of its key wait in the partition; the offset the group
     * committed stays at the parked record and carries it in its metadata (read by whoever owns the partition next).
     */
    @Test
    void perKeyTheParkedRecordIsInTheCommittedOffsetsMetadata() throws Exception {
        Messaging bus = connect();
        String t = topic("parked");
        String g = "parker-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(t, SubscribeOptions.group(g).ordering(Ordering.PER_KEY).concurrency(4).retry(RetryPolicy.none())
                .redelivery(Duration.ofSeconds(4)), d -> {
            seen.add(d.data(String.class) + "#" + d.attempt());
            if (d.data(String.class).equals("a-0") && d.attempt() == 1) throw new IllegalStateException("parks a-0");
        });
        bus.publish(t, Message.of("test.Parked", "a-0").withKey("a")).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("a-0#1"));
        var sent = bus.publish(t, Message.of("test.Parked", "a-1").withKey("a")).get(30, TimeUnit.SECONDS);
        int partition = Integer.parseInt(sent.position().partition());
        long offset = Long.parseLong(sent.position().offset());
        try (var admin = broker.admin()) {
            var tp = new org.apache.kafka.common.TopicPartition(t, partition);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var committed = admin.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata().get().get(tp);
                assertThat(committed).isNotNull();
                assertThat(committed.offset()).as("committed at the parked a-0").isEqualTo(offset - 1);
                assertThat(committed.metadata()).startsWith("omnibus-parked:1;" + committed.offset() + ":");
            });
        }
        assertThat(seen).as("a-1 waits behind the parked a-0").containsExactly("a-0#1");
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 3);
        assertThat(seen).containsExactly("a-0#1", "a-0#2", "a-1#1");
    }
}
