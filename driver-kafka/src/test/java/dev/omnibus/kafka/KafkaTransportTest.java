package dev.omnibus.kafka;

import dev.omnibus.Message;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SPI contract at the transport level, where the test settles inbounds itself: the commit never
 * passes an unsettled offset, a nack redelivers its partition from that offset in order, and
 * {@code maxInFlight} bounds what is handed out.
 */
class KafkaTransportTest {
    static KafkaFixtures.Shared broker;
    Transport transport;

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    @AfterEach
    void close() { if (transport != null) transport.close(); }

    private Transport connect() {
        transport = new KafkaDriver().connect(new DriverConfig("kafka", broker.bootstrapServers(), null, null, "",
                Map.of("partitions", "1")));
        return transport;
    }

    private static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    private static Long committed(String topic, String group) throws Exception {
        try (Admin admin = broker.admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return o == null ? null : o.offset();
        }
    }

    private static ReceiveOptions group(String g, int maxInFlight) {
        return ReceiveOptions.builder().group(g).startFrom(StartFrom.EARLIEST).maxInFlight(maxInFlight).concurrency(4).build();
    }

    private void publish(Transport t, String topic, int n) {
        for (int i = 0; i < n; i++) t.send(topic, Message.of("test.N", i).withKey("k" + (i % 2))).join();
    }

    @Test
    void commitsOnlyTheContiguousCompletedPrefix() throws Exception {
        Transport t = connect();
        String topic = topic("prefix");
        String g = "g-" + UUID.randomUUID();
        publish(t, topic, 10);
        List<Inbound> got = new CopyOnWriteArrayList<>();
        TransportSubscription s = t.receive(topic, group(g, 100), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 10);
        for (int i = 9; i >= 0; i--) if (i != 4) got.get(i).ack(); // out of order, offset 4 unsettled
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(4).equals(committed(topic, g)));
        got.get(4).ack();
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(10).equals(committed(topic, g)));
        s.close();
    }

    @Test
    void nackRedeliversThePartitionFromThatOffsetInOrder() throws Exception {
        Transport t = connect();
        String topic = topic("nack");
        String g = "g-" + UUID.randomUUID();
        publish(t, topic, 6);
        List<Inbound> got = new CopyOnWriteArrayList<>();
        TransportSubscription s = t.receive(topic, group(g, 100), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 6);
        got.get(0).ack();
        got.get(3).ack();   // acked behind the nacked one: redelivered too (at-least-once)
        got.get(2).nack();
        got.get(1).ack();
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 10);
        List<Inbound> again = got.subList(6, 10);
        assertThat(again).extracting(i -> i.position().offset()).containsExactly("2", "3", "4", "5");
        assertThat(again).extracting(Inbound::deliveryCount).containsExactly(2, 2, 2, 2);
        assertThat(again.get(0).message()).isEqualTo(got.get(2).message());
        got.get(4).ack(); // stale: discarded by the nack, must not move the commit
        got.get(5).ack();
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(committed(topic, g)));
        again.forEach(Inbound::ack);
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(6).equals(committed(topic, g)));
        s.close();
    }

    @Test
    void neverMoreThanMaxInFlightUnsettled() {
        Transport t = connect();
        String topic = topic("inflight");
        publish(t, topic, 20);
        List<Inbound> got = new CopyOnWriteArrayList<>();
        TransportSubscription s = t.receive(topic, group("g-" + UUID.randomUUID(), 3), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        got.get(0).ack();
        got.get(1).nack();
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 5);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> got.size() == 5);
        s.close();
    }

    @Test
    void stopReceivingStillCommitsSettledOnes() throws Exception {
        Transport t = connect();
        String topic = topic("stop");
        String g = "g-" + UUID.randomUUID();
        publish(t, topic, 5);
        List<Inbound> got = new CopyOnWriteArrayList<>();
        TransportSubscription s = t.receive(topic, group(g, 2), got::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 2);
        s.stopReceiving();
        got.get(0).ack();
        got.get(1).ack();
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(committed(topic, g)));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
        s.close();
    }

    @Test
    void groupLessSubscriptionSeesWhatIsPublishedAfterReceiveReturns() {
        Transport t = connect();
        String topic = topic("latest");
        publish(t, topic, 3);
        List<Inbound> got = new CopyOnWriteArrayList<>();
        TransportSubscription s = t.receive(topic, ReceiveOptions.builder().build(), got::add);
        Message m = Message.of("test.After", "x");
        t.send(topic, m).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
        assertThat(got.get(0).message()).isEqualTo(m);
        s.close();
    }
}
