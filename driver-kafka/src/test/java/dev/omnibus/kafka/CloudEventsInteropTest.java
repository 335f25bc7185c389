package dev.omnibus.kafka;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wire format is the CloudEvents Kafka binding (binary mode): proven in both directions with the
 * CloudEvents SDK's own {@code cloudevents-kafka} serializer and deserializer on plain Kafka clients. Omnibus
 * also reads what the SDK writes in structured mode ({@code application/cloudevents+json}).
 */
class CloudEventsInteropTest {
    static KafkaFixtures.Shared broker;

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    /** A plain Kafka producer with the CloudEvents SDK's serializer (binary mode unless {@code extra} says otherwise). */
    private static KafkaProducer<String, CloudEvent> sdkProducer(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName());
        return new KafkaProducer<>(config);
    }

    private static String topic(String name) { return name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    @Test
    void theCloudEventsSdkReadsWhatOmnibusWrote() {
        String topic = topic("ce-out");
        Message m = Message.builder().id("evt-1").source("/orders/service").type("com.acme.orders.OrderPlaced")
                .subject("order/8271").time(Instant.parse("2024-09-14T14:22:05.182123Z"))
                .dataSchema("https://schemas.acme.com/order.json").key("order-8271").extension("tenantid", "acme")
                .data("{\"id\":8271}".getBytes(StandardCharsets.UTF_8), "application/json").build();
        try (Messaging bus = Messaging.connect(broker.url())) {
            bus.publish(topic, m).join();
        }
        List<ConsumerRecord<String, CloudEvent>> records = new ArrayList<>();
        try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "sdk-reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        ConsumerRecord<String, CloudEvent> r = records.get(0);
        assertThat(r.key()).isEqualTo("order-8271");
        CloudEvent e = r.value();
        assertThat(e.getId()).isEqualTo("evt-1");
        assertThat(e.getSource()).isEqualTo(URI.create("/orders/service"));
        assertThat(e.getType()).isEqualTo("com.acme.orders.OrderPlaced");
        assertThat(e.getSubject()).isEqualTo("order/8271");
        assertThat(e.getTime().toInstant()).isEqualTo(Instant.parse("2024-09-14T14:22:05.182123Z"));
        assertThat(e.getDataSchema()).isEqualTo(URI.create("https://schemas.acme.com/order.json"));
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(e.getExtension("tenantid")).isEqualTo("acme");
        assertThat(e.getExtension("partitionkey")).isEqualTo("order-8271");
        assertThat(e.getData().toBytes()).isEqualTo("{\"id\":8271}".getBytes(StandardCharsets.UTF_8));
        assertThat(Message.fromCloudEvent(e)).isEqualTo(m);
    }

    /** Both content modes of the Kafka binding: binary (ce_* headers) and structured (application/cloudevents+json). */
    @ParameterizedTest
    @EnumSource(value = Encoding.class, names = {"BINARY", "STRUCTURED"})
    void omnibusReadsWhatTheCloudEventsSdkWrote(Encoding encoding) throws Exception {
        String topic = topic("ce-in-" + encoding.name().toLowerCase());
        broker.createTopic(topic, 4);
        CloudEvent withKeyExtension = CloudEventBuilder.v1().withId("sdk-1").withSource(URI.create("urn:sdk:test"))
                .withType("com.acme.Shipped").withSubject("parcel/1")
                .withTime(OffsetDateTime.of(2025, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHours(2)))
                .withDataSchema(URI.create("https://schemas.acme.com/shipped.json"))
                .withExtension("partitionkey", "parcel-1").withExtension("tenantid", "acme")
                .withData("text/plain", "shipped".getBytes(StandardCharsets.UTF_8)).build();
        CloudEvent keyOnlyOnTheRecord = CloudEventBuilder.v1().withId("sdk-2").withSource(URI.create("urn:sdk:test"))
                .withType("com.acme.Shipped").build();
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Messaging bus = Messaging.connect(broker.url())) {
            bus.subscribe(topic, SubscribeOptions.group("omnibus-reader").startFrom(StartFrom.EARLIEST), d -> got.add(d.message()));
            try (KafkaProducer<String, CloudEvent> producer = sdkProducer(Map.of(CloudEventSerializer.ENCODING_CONFIG, encoding.name(),
                    CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE))) {
                producer.send(new ProducerRecord<>(topic, "parcel-1", withKeyExtension)).get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(topic, "parcel-2", keyOnlyOnTheRecord)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == 2);
        }
        Message first = got.stream().filter(m -> m.id().equals("sdk-1")).findFirst().orElseThrow();
        assertThat(first).isEqualTo(Message.fromCloudEvent(withKeyExtension));
        assertThat(first.key()).isEqualTo("parcel-1");
        assertThat(first.time()).isEqualTo(Instant.parse("2025-01-02T01:04:05.123456Z"));
        assertThat(first.dataAsString()).isEqualTo("shipped");
        Message second = got.stream().filter(m -> m.id().equals("sdk-2")).findFirst().orElseThrow();
        assertThat(second.key()).as("the record key becomes the partitionkey").isEqualTo("parcel-2");
        assertThat(second.time()).as("time is optional in CloudEvents; Omnibus fills in a receive time").isNotNull();
        assertThat(second.dataSize()).isZero();
    }
}
