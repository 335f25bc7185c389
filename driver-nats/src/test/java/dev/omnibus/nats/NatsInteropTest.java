package dev.omnibus.nats;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.conformance.BrokerFixture;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wire mapping against a real nats-server, with plain jnats on the other side: what Omnibus publishes is a
 * JetStream message on the topic's subject with {@code ce-} headers a native consumer reads; what a native
 * producer publishes with those headers arrives in Omnibus as the same envelope; the stream and the group's
 * durable consumer are what docs/drivers/nats.md says.
 */
class NatsInteropTest {
    private BrokerFixture fixture;
    private Messaging bus;
    private Connection nats;

    @BeforeEach
    void connect() throws Exception {
        fixture = NatsFixtures.started();
        bus = Messaging.connect(MessagingConfig.builder(fixture.url()).options(fixture.options()).build());
        nats = NatsFixtures.nativeConnection(fixture);
    }

    @AfterEach
    void close() throws Exception {
        bus.close();
        nats.close();
    }

    private static String topic() { return "interop.t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12); }

    @Test
    void omnibusPublishIsANativeJetStreamMessageWithCloudEventsHeaders() throws Exception {
        String topic = topic();
        Message m = Message.builder().type("com.acme.OrderPlaced").source("/orders").subject("order 42 ünïcode")
                .data("{\"id\":42}".getBytes(StandardCharsets.UTF_8), "application/json").extension("tenant", "acme corp")
                .build().withKey("order-42");
        bus.publish(topic, m).join();

        StreamInfo stream = nats.jetStreamManagement().getStreamInfo(topic.replace('.', '_'));
        assertThat(stream.getConfiguration().getSubjects()).containsExactly(topic);
        assertThat(stream.getConfiguration().getStorageType()).isEqualTo(StorageType.File);
        assertThat(stream.getConfiguration().getReplicas()).isEqualTo(1);

        JetStreamSubscription sub = nats.jetStream().subscribe(topic, PullSubscribeOptions.builder().configuration(
                ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).ackPolicy(AckPolicy.Explicit).build()).build());
        List<io.nats.client.Message> got = sub.fetch(1, Duration.ofSeconds(10));
        assertThat(got).hasSize(1);
        io.nats.client.Message raw = got.get(0);
        raw.ack();
        Headers h = raw.getHeaders();
        assertThat(raw.getSubject()).isEqualTo(topic);
        assertThat(new String(raw.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":42}");
        assertThat(h.getFirst("ce-specversion")).isEqualTo("1.0");
        assertThat(h.getFirst("ce-id")).isEqualTo(m.id());
        assertThat(h.getFirst("ce-type")).isEqualTo("com.acme.OrderPlaced");
        assertThat(h.getFirst("ce-source")).isEqualTo("/orders");
        assertThat(h.getFirst("ce-subject")).isEqualTo("order%2042%20%C3%BCn%C3%AFcode");
        assertThat(h.getFirst("content-type")).isEqualTo("application/json");
        assertThat(h.getFirst("ce-tenant")).isEqualTo("acme%20corp");
        assertThat(h.getFirst("ce-partitionkey")).isEqualTo("order-42");
        assertThat(Instant.parse(h.getFirst("ce-time"))).isEqualTo(m.time());
    }

    @Test
    void nativeBinaryModePublishArrivesAsTheSameEnvelope() throws Exception {
        String topic = topic();
        AtomicReference<Delivery> got = new AtomicReference<>();
        Subscription s = bus.subscribe(topic, SubscribeOptions.group("native-in").ordering(Ordering.NONE), got::set);
        try {
            Headers h = new Headers();
            h.put("ce-specversion", "1.0");
            h.put("ce-id", "native-1");
            h.put("ce-source", "/native");
            h.put("ce-type", "com.acme.Native");
            h.put("ce-time", "2026-01-02T03:04:05Z");
            h.put("ce-subject", "caf%C3%A9");
            h.put("ce-partitionkey", "k1");
            h.put("ce-color", "blue");
            h.put("content-type", "text/plain");
            nats.jetStream().publish(topic, h, "hello".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> got.get() != null);
            Message m = got.get().message();
            assertThat(m.id()).isEqualTo("native-1");
            assertThat(m.source()).isEqualTo("/native");
            assertThat(m.type()).isEqualTo("com.acme.Native");
            assertThat(m.time()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
            assertThat(m.subject()).isEqualTo("café");
            assertThat(m.key()).isEqualTo("k1");
            assertThat(m.extension("color")).isEqualTo("blue");
            assertThat(m.dataContentType()).isEqualTo("text/plain");
            assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(got.get().position().partition()).isEqualTo(topic.replace('.', '_'));
            assertThat(got.get().attempt()).isEqualTo(1);

            ConsumerInfo durable = NatsFixtures.consumer(fixture, topic, "native-in");
            assertThat(durable.getConsumerConfiguration().getAckPolicy()).isEqualTo(AckPolicy.Explicit);
            assertThat(durable.getConsumerConfiguration().getFilterSubject()).isEqualTo(topic);
            assertThat(durable.getConsumerConfiguration().getAckWait()).isEqualTo(Duration.ofSeconds(30));
        } finally {
            s.close(Duration.ofSeconds(2));
        }
    }

    @Test
    void brokerDescriptionAndLimitComeFromTheServer() {
        assertThat(bus.brokerDescription()).matches("NATS 2\\.\\d+\\.\\d+ \\(JetStream, storage=file, replicas=1\\)");
        assertThat(bus.maxMessageBytes()).isEqualTo(8L * 1024 * 1024);
    }

    @Test
    void structuredModeEventFromPlainJnatsIsRead() throws Exception {
        String topic = topic();
        AtomicReference<Delivery> got = new AtomicReference<>();
        java.util.concurrent.ConcurrentLinkedQueue<Delivery> dead = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Subscription dlq = bus.subscribe(topic + ".dlq", SubscribeOptions.defaults().ordering(Ordering.NONE), dead::add);
        Subscription s = bus.subscribe(topic, SubscribeOptions.group("structured").ordering(Ordering.NONE), got::set);
        try {
            String event = "{\"specversion\":\"1.0\",\"id\":\"ce-s-1\",\"source\":\"/orders\",\"type\":\"com.acme.OrderPlaced\","
                    + "\"time\":\"2026-12-01T10:15:30.123456+01:00\",\"tenantid\":\"acme\",\"data\":{\"id\":7}}";
            NatsFixtures.publishForeign(fixture, topic, "order-7", event.getBytes(StandardCharsets.UTF_8),
                    java.util.Map.of("content-type", "application/cloudevents+json; charset=utf-8"));
            await().atMost(Duration.ofSeconds(30)).until(() -> got.get() != null || !dead.isEmpty());
            assertThat(dead).as("dead letters: %s", dead.stream().map(d -> d.message().extensions()).toList()).isEmpty();
            Message m = got.get().message();
            assertThat(m.id()).isEqualTo("ce-s-1");
            assertThat(m.key()).isEqualTo("order-7");
            assertThat(m.extension("tenantid")).isEqualTo("acme");
            assertThat(m.dataAsString()).isEqualTo("{\"id\":7}");
        } finally {
            s.close(Duration.ofSeconds(2));
            dlq.close(Duration.ofSeconds(2));
        }
    }
}
