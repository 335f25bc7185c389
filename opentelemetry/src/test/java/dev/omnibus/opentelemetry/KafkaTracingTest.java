package dev.omnibus.opentelemetry;

import dev.omnibus.Message;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.KafkaProcessBroker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link TracingScenarios} on a real Kafka broker (a local process started by the kit's fixture), plus
 * how Omnibus's trace context (the CloudEvents extension, header {@code ce_traceparent}) coexists with a
 * plain W3C {@code traceparent} header written by other instrumentation.
 */
class KafkaTracingTest extends TracingScenarios {
    private static final String OTHER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PLAIN_TRACEPARENT = "00-" + OTHER_TRACE + "-00f067aa0ba902b7-01";

    @Override protected BrokerFixture newBroker() { return new KafkaProcessBroker(); }
    @Override protected String system() { return "kafka"; }

    private String bootstrap() { return broker().url().substring("kafka://".length()).split("\\?")[0]; }

    private void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void omnibusWritesTheCloudEventsExtensionAndNoPlainTraceparentHeader() throws Exception {
        String t = topic("wire");
        createTopic(t);
        Span root = otel.getTracer("test").spanBuilder("wire").startSpan();
        try (Scope ignored = root.makeCurrent()) {
            orders.publish(t, Message.of("Wire", "{}")).join();
        } finally {
            root.end();
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "native-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            c.subscribe(List.of(t));
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> r = got.get(0);
            assertThat(header(r, "ce_traceparent")).startsWith("00-" + root.getSpanContext().getTraceId() + "-");
            assertThat(header(r, "traceparent")).as("Omnibus leaves the plain header to other instrumentation").isNull();
        }
    }

    @Test
    void aPlainTraceparentHeaderFromOtherInstrumentationNeitherWinsNorBreaksAnything() throws Exception {
        String t = topic("coexist");
        createTopic(t);
        List<Message> handled = new CopyOnWriteArrayList<>();
        shipping.subscribe(t, SubscribeOptions.group("coexist"), d -> handled.add(d.message()));
        String omnibusParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (String ce : new String[] {omnibusParent, null}) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(t, "{}".getBytes(StandardCharsets.UTF_8));
                r.headers().add("ce_specversion", utf8("1.0")).add("ce_id", utf8(UUID.randomUUID().toString()))
                        .add("ce_source", utf8("/native")).add("ce_type", utf8(ce == null ? "PlainOnly" : "Both"))
                        .add("content-type", utf8("application/json"))
                        .add("traceparent", utf8(PLAIN_TRACEPARENT)); // what e.g. OTel's Kafka instrumentation writes
                if (ce != null) r.headers().add("ce_traceparent", utf8(ce));
                p.send(r).get(30, TimeUnit.SECONDS);
            }
        }
        List<SpanData> spans = spansWhen("both records processed", s -> has(s, "process " + t, 2));
        assertThat(handled).extracting(Message::type).containsExactlyInAnyOrder("Both", "PlainOnly");
        SpanData both = named(spans, "process " + t).stream()
                .filter(s -> handled.stream().anyMatch(m -> m.type().equals("Both")
                        && m.id().equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("messaging.message.id")))))
                .findFirst().orElseThrow();
        assertThat(both.getTraceId()).as("the CloudEvents extension is the parent").isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(both.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(named(spans, "process " + t)).as("the plain header is never read as Omnibus's parent")
                .noneMatch(s -> s.getTraceId().equals(OTHER_TRACE));
        assertThat(handled).allSatisfy(m -> assertThat(m.extension("traceparent")).isNotEqualTo(PLAIN_TRACEPARENT));
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
