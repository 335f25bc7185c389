package dev.omnibus.kafka;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.DeadLetters;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Driver behaviour the kit does not cover: configuration, size limits, bad input, topic handling. */
class KafkaDriverTest {
    static KafkaFixtures.Shared broker;

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    static Messaging connect(Map<String, String> options) {
        return Messaging.connect(MessagingConfig.builder(broker.url()).options(options).build());
    }

    @Test
    void declaresWhatTheDefaultsProvide() {
        try (Messaging bus = connect(Map.of())) {
            assertThat(bus.driverName()).isEqualTo("kafka");
            assertThat(bus.capabilities()).contains(Capability.CONSUMER_GROUPS, Capability.PER_KEY_ORDERING,
                    Capability.REPLAY, Capability.DURABLE, Capability.REQUEST_REPLY, Capability.BROKER_DEDUPLICATION);
            assertThat(bus.maxMessageBytes()).isEqualTo(8L * 1024 * 1024);
        }
        try (Messaging bus = connect(Map.of("kafka.acks", "1", "kafka.enable.idempotence", "false"))) {
            assertThat(bus.capabilities()).doesNotContain(Capability.DURABLE, Capability.BROKER_DEDUPLICATION);
        }
    }

    @Test
    void publishesAndReceivesOneMebibytePayloads() {
        String topic = topic("big");
        byte[] payload = new byte[1024 * 1024];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect(Map.of())) {
            Subscription s = bus.subscribe(topic, SubscribeOptions.group("g"), d -> got.add(d.message()));
            Message m = Message.ofBytes("test.Big", payload, "application/octet-stream").withKey("k");
            bus.publish(topic, m).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
            assertThat(got.get(0)).isEqualTo(m);
            s.close();
        }
    }

    @Test
    void tooLargeFailsWithSizeAndLimit() {
        try (Messaging bus = connect(Map.of("maxMessageBytes", "65536"))) {
            Message m = Message.ofBytes("test.Big", new byte[100_000], null);
            assertThatThrownBy(() -> bus.publish(topic("toolarge"), m).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                        assertThat(e.limit()).isEqualTo(65536);
                        assertThat(e.size()).isGreaterThan(100_000);
                        assertThat(e.getMessage()).contains(Long.toString(e.size())).contains("65536").contains("maxMessageBytes");
                    });
        }
    }

    @Test
    void existingTopicWithASmallerLimitIsReportedBeforeSending() {
        String topic = topic("small-topic");
        try (var admin = broker.admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "20000")))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try (Messaging bus = connect(Map.of())) {
            assertThatThrownBy(() -> bus.publish(topic, Message.ofBytes("t", new byte[30_000], null)).join())
                    .cause().isInstanceOfSatisfying(MessageTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(20000));
            bus.publish(topic, Message.ofBytes("t", new byte[10_000], null)).join();
        }
    }

    @Test
    void unreachableBootstrapFailsWithinTheConnectTimeout() {
        int closedPort = dev.omnibus.conformance.fixtures.FreePorts.next();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> Messaging.connect("kafka://127.0.0.1:" + closedPort + "?connectTimeout=2s"))
                        .isInstanceOf(BrokerUnavailableException.class)
                        .hasMessageContaining("127.0.0.1:" + closedPort)
                        .hasMessageContaining("connectTimeout"));
    }

    @Test
    void unknownOptionIsRejected() {
        assertThatThrownBy(() -> connect(Map.of("partitons", "3")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("partitons").hasMessageContaining("partitions");
    }

    @Test
    void optionsTheDriverOwnsCannotBePassedThrough() {
        assertThatThrownBy(() -> connect(Map.of("kafka.group.id", "x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kafka.group.id");
        assertThatThrownBy(() -> connect(Map.of("partitions", "zero")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("partitions");
    }

    @Test
    void createsTopicsWithTheConfiguredPartitions() throws Exception {
        String topic = topic("parts");
        try (Messaging bus = connect(Map.of("partitions", "3"))) {
            bus.publish(topic, Message.of("t", "x")).join();
        }
        try (var admin = broker.admin()) {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.partitions()).hasSize(3);
        }
    }

    @Test
    void missingTopicWithoutAutoCreationIsAClearError() {
        try (Messaging bus = connect(Map.of("autoCreateTopics", "false"))) {
            String topic = topic("absent");
            assertThatThrownBy(() -> bus.publish(topic, Message.of("t", "x")).join()).cause()
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(topic).hasMessageContaining("autoCreateTopics");
            assertThatThrownBy(() -> bus.subscribe(topic, SubscribeOptions.group("g"), d -> { }))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(topic);
        }
    }

    @Test
    void foreignRecordIsDeadLetteredWithTheReasonAndTheSubscriptionGoesOn() throws Exception {
        String topic = topic("foreign");
        List<Message> handled = new CopyOnWriteArrayList<>();
        List<Message> dead = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect(Map.of())) {
            Subscription dlq = bus.subscribe(topic + ".dlq", SubscribeOptions.group("inspect").noDeadLetter()
                    .startFrom(StartFrom.EARLIEST), d -> dead.add(d.message()));
            Subscription s = bus.subscribe(topic, SubscribeOptions.group("app"), d -> handled.add(d.message()));
            broker.foreignPublisher().orElseThrow().publish(topic, "k1", "not an event".getBytes(StandardCharsets.UTF_8),
                    Map.of("content-type", "text/plain", "source-system", "legacy"));
            Message ok = Message.of("test.Ok", "fine").withKey("k1");
            bus.publish(topic, ok).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 1 && dead.size() == 1);
            assertThat(handled.get(0)).isEqualTo(ok);
            Message d = dead.get(0);
            assertThat(d.dataAsString()).isEqualTo("not an event");
            assertThat(d.key()).isEqualTo("k1");
            assertThat(d.dataContentType()).isEqualTo("text/plain");
            assertThat(d.extension(DeadLetters.ERROR_TYPE)).isEqualTo(InvalidEnvelopeException.class.getName());
            assertThat(d.extension(DeadLetters.ERROR_MESSAGE)).contains("ce_id").contains("binary-mode");
            assertThat(d.extension(DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topic);
            s.close();
            dlq.close();
        }
    }

    @Test
    void requestReplyOverAPerInstanceReplyTopic() {
        String topic = topic("rpc");
        try (Messaging server = connect(Map.of()); Messaging client = connect(Map.of())) {
            server.respond(topic, SubscribeOptions.group("pricing"), d ->
                    Message.of("test.Quote", "price of " + d.message().dataAsString()));
            for (int i = 0; i < 5; i++) {
                Message reply = client.request(topic, Message.ofBytes("test.Ask", ("item" + i).getBytes(StandardCharsets.UTF_8),
                        "text/plain"), Duration.ofSeconds(30)).join();
                assertThat(reply.data(String.class)).isEqualTo("price of item" + i);
            }
        }
    }

    /** The release comes from the cluster's finalized metadata.version (Kafka does not expose its build version). */
    @Test
    void brokerDescriptionNamesTheKafkaReleaseAndCluster() {
        try (Messaging bus = connect(Map.of())) {
            assertThat(bus.brokerDescription())
                    .matches("Kafka \\d+\\.\\d+ \\(metadata\\.version \\d+\\.\\d+-IV\\d+, cluster [\\w-]+, \\d+ brokers?\\)")
                    .startsWith("Kafka 4.1 (metadata.version 4.1-IV1");
        }
    }
}
