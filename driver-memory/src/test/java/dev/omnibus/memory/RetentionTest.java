package dev.omnibus.memory;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded broker keeps the last retainMessages records plus whatever a group still needs. */
class RetentionTest {
    private static final int PUBLISHED = 6_000;

    private static Messaging connect(String name, String retain) {
        return Messaging.connect(MessagingConfig.builder("memory://" + name).option("retainMessages", retain).build());
    }

    private static void publish(Messaging bus, String topic, int n) { publish(bus, topic, 0, n); }

    private static void publish(Messaging bus, String topic, int from, int n) {
        for (int i = from; i < from + n; i++) bus.publish(topic, Message.ofBytes("t", Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain").withKey("k" + (i % 10))).join();
    }

    @Test void oldRecordsNoGroupNeedsAreDroppedAndEarliestStartsAtTheOldestKept() {
        try (Messaging bus = connect("retention-" + UUID.randomUUID(), "100")) {
            publish(bus, "t", PUBLISHED);
            List<Integer> seen = new CopyOnWriteArrayList<>();
            bus.subscribe("t", SubscribeOptions.group("late").startFrom(StartFrom.EARLIEST), d -> seen.add(Integer.parseInt(d.message().dataAsString())));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(PUBLISHED - 1));
            // at least the last 100 are kept; far fewer than all (trimming first runs at 2 x max(100, 1024) records, then after every max(100, 1024) appends)
            assertThat(seen.size()).isBetween(100, 2_048);
            assertThat(seen).contains(PUBLISHED - 100).doesNotContain(0);
        }
    }

    @Test void recordsAGroupHasNotCompletedAreKept() throws Exception {
        try (Messaging bus = connect("retention-" + UUID.randomUUID(), "0")) {
            CountDownLatch release = new CountDownLatch(1);
            Set<Integer> seen = ConcurrentHashMap.newKeySet();
            bus.subscribe("t", SubscribeOptions.group("slow").maxInFlight(1), d -> {
                release.await();
                seen.add(Integer.parseInt(d.message().dataAsString()));
            });
            publish(bus, "t", PUBLISHED);
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == PUBLISHED);
        }
    }

    @Test void trimmingGoesOnAfterALaggingGroupCatchesUp() throws Exception {
        try (Messaging bus = connect("retention-" + UUID.randomUUID(), "100")) {
            CountDownLatch release = new CountDownLatch(1);
            Set<Integer> done = ConcurrentHashMap.newKeySet();
            // a subscriber without a group: its needs end with it, so what follows does not depend on its pace
            var slow = bus.subscribe("t", SubscribeOptions.defaults().maxInFlight(1), d -> {
                release.await();
                done.add(Integer.parseInt(d.message().dataAsString()));
            });
            publish(bus, "t", 3_000); // the subscriber needs every one: the first trim (at 2,048 records) can drop nothing
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 3_000);
            slow.close();
            publish(bus, "t", 3_000, 3_000); // trims again at 3,072 records, then after every 1,024 appends

            List<Integer> seen = new CopyOnWriteArrayList<>();
            bus.subscribe("t", SubscribeOptions.group("late").startFrom(StartFrom.EARLIEST), d -> seen.add(Integer.parseInt(d.message().dataAsString())));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(5_999));
            // trimmed again after the subscriber caught up: the last 100 at least, at most 100 + 1,024 more
            assertThat(seen.size()).isBetween(100, 1_124);
            assertThat(seen).contains(5_900).doesNotContain(0, 2_999);
        }
    }

    @Test void oneBrokerHasOneRetention() {
        String name = "retention-" + UUID.randomUUID();
        try (Messaging first = connect(name, "500");
             Messaging same = connect(name, "500");
             Messaging unsaid = Messaging.connect("memory://" + name)) {
            assertThat(same).isNotNull();
            assertThat(unsaid).isNotNull();
            assertThatThrownBy(() -> connect(name, "10")).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("retainMessages").hasMessageContaining("500");
        }
    }
}
