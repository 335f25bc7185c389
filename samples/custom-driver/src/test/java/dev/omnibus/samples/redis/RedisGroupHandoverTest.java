package dev.omnibus.samples.redis;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XReadGroupParams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the kit cannot check with a broker it does not own: a group reader that dies holding the
 * group. The "dead reader" is played by the test with plain Redis commands: it read entries as the
 * group's consumer, never acknowledged them, and left its lease behind.
 */
class RedisGroupHandoverTest {
    private static final RedisFixture REDIS = new RedisFixture();
    private static final String CONSUMER = "omnibus"; // the one Redis consumer name the driver uses per group

    private final Messaging bus = Messaging.connect(MessagingConfig.builder(REDIS.url()).options(REDIS.options()).build());
    private final String topic = "handover." + System.nanoTime();
    private final String stream = REDIS.options().get("keyPrefix") + topic;

    @AfterEach void close() { bus.close(); }

    @AfterAll static void cleanUp() { REDIS.close(); }

    @Test
    void whenADeadReadersLeaseExpiresTheNextReaderGetsItsUnacknowledgedEntriesFirstInOrder() {
        List<Message> sent = List.of(event("a"), event("b"), event("c"));
        try (Jedis redis = REDIS.jedis()) {
            redis.xgroupCreate(stream, "g", StreamEntryID.XGROUP_LAST_ENTRY, true);
            for (Message m : sent) bus.publish(topic, m).join();
            // the dead reader received a and b, then died holding a lease for another 1.5 s
            redis.xreadGroup("g", CONSUMER, XReadGroupParams.xReadGroupParams().count(2),
                    Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            redis.set(stream + ":lease:g", "dead-reader", SetParams.setParams().px(1_500));
        }
        ConcurrentLinkedQueue<Delivery> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(topic, SubscribeOptions.group("g"), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 3);
        assertThat(got).extracting(Delivery::id).containsExactlyElementsOf(sent.stream().map(Message::id).toList());
        assertThat(got).extracting(Delivery::deliveryCount).containsExactly(2, 2, 1);
        try (Jedis redis = REDIS.jedis()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.xpending(stream, "g").getTotal() == 0);
        }
    }

    @Test
    void anEntryDeletedWhileItWasPendingIsSkipped() {
        List<Message> sent = List.of(event("deleted"), event("kept"));
        try (Jedis redis = REDIS.jedis()) {
            redis.xgroupCreate(stream, "g", StreamEntryID.XGROUP_LAST_ENTRY, true);
            for (Message m : sent) bus.publish(topic, m).join();
            var read = redis.xreadGroup("g", CONSUMER, XReadGroupParams.xReadGroupParams().count(2),
                    Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            redis.xdel(stream, read.get(0).getValue().get(0).getID()); // e.g. trimmed by maxLength
        }
        ConcurrentLinkedQueue<Delivery> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(topic, SubscribeOptions.group("g"), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
        assertThat(got.peek().id()).isEqualTo(sent.get(1).id());
        try (Jedis redis = REDIS.jedis()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.xpending(stream, "g").getTotal() == 0);
        }
    }

    private static Message event(String text) {
        return Message.builder().type("dev.omnibus.samples.Text").key("k")
                .data(text.getBytes(StandardCharsets.UTF_8), "text/plain").build();
    }
}
