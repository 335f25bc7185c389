package dev.omnibus.kafka;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.Ordering;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.UnsupportedCapabilityException;
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
 * DELAYED_REDELIVERY on Kafka beyond the kit: the redelivery goes to the group's own topic only (another group
 * of the topic never sees it), a schedule needs a group, and PER_KEY with a schedule fails fast.
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
        assertThat(bus.capabilities()).contains(Capability.DELAYED_REDELIVERY).doesNotContain(Capability.ORDERED_DELAYED_REDELIVERY);
        String t = topic("redeliver");
        List<String> failing = new CopyOnWriteArrayList<>();
        List<Instant> failingAt = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        bus.subscribe(t, SubscribeOptions.group("failing").ordering(Ordering.NONE).retry(RetryPolicy.none())
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
    }

    @Test
    void aScheduleNeedsAGroupAndPerKeyFailsFast() {
        Messaging bus = connect();
        assertThatThrownBy(() -> bus.subscribe(topic("nogroup"), SubscribeOptions.defaults().ordering(Ordering.NONE)
                .redelivery(Duration.ofSeconds(1)), d -> {}))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a consumer group");
        assertThatThrownBy(() -> bus.subscribe(topic("perkey"), SubscribeOptions.group("g").ordering(Ordering.PER_KEY)
                .redelivery(Duration.ofSeconds(1)), d -> {}))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("ORDERED_DELAYED_REDELIVERY");
    }
}
