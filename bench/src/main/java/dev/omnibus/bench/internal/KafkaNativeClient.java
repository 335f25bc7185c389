package dev.omnibus.bench.internal;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The native Kafka side: {@link KafkaProducer} and {@link KafkaConsumer} configured as the Omnibus Kafka
 * driver configures them (acks=all, idempotence on, default batching/linger, max.poll.records =
 * min(500, maxInFlight), manual commits, byte-array serdes). The consumer is the textbook poll loop:
 * handle the batch (inline with concurrency 1, else on per-key workers, waiting for the batch), then
 * {@code commitAsync()}. Plain: raw key and payload, no headers. With {@code envelope}: each record carries
 * the CloudEvents binary-mode headers written by hand ({@link CloudEventsHeaders}), and the consumer reads every
 * header back into a string, as a competent user of the Kafka client who wants the envelope would: the cost of
 * the envelope itself, without Omnibus. Traced ({@code sampleRatio} in [0, 1]): producer and consumer wrapped by
 * OpenTelemetry's own instrumentation library ({@code opentelemetry-kafka-clients-2.6}: a send span per record with
 * {@code traceparent} in its headers, a receive span per poll, a process span per record while the loop handles it),
 * recording to the SDK set-up of the instrumented Omnibus legs ({@link Instrumentation}).
 */
final class KafkaNativeClient implements BenchClient {
    private final String bootstrap;
    private final boolean envelope;
    private final Instrumentation tracing;   // null: not traced
    private final KafkaTelemetry telemetry;
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Characters of the headers read (envelope only): keeps the reading from being optimised away. */
    long headerChars;

    KafkaNativeClient(String bootstrap) { this(bootstrap, false); }

    KafkaNativeClient(String bootstrap, boolean envelope) { this(bootstrap, envelope, -1); }

    /** {@code sampleRatio} in [0, 1]: traced by OpenTelemetry's kafka-clients instrumentation; negative: not traced. */
    KafkaNativeClient(String bootstrap, boolean envelope, double sampleRatio) {
        this.bootstrap = bootstrap;
        this.envelope = envelope;
        this.tracing = sampleRatio >= 0 ? new Instrumentation(sampleRatio, java.util.Set.of()) : null;
        this.telemetry = tracing == null ? null : KafkaTelemetry.create(tracing.openTelemetry());
    }

    @Override public String kind() { return tracing != null ? Contrast.NATIVE_TRACED : envelope ? Contrast.NATIVE_ENVELOPE : "native"; }

    @Override public String description() {
        return "kafka-clients KafkaProducer / KafkaConsumer poll loop" + (envelope ? ", CloudEvents binary-mode headers by hand" : "")
                + (tracing == null ? "" : ", traced by opentelemetry-kafka-clients-2.6 (SDK, " + tracing.sampling() + ", batch processor)");
    }

    @Override
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public Publisher publisher(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024 + 64 * 1024); // as the driver: maxMessageBytes + headroom
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Producer<byte[], byte[]> producer = telemetry == null ? new KafkaProducer<>(c) : telemetry.wrap(new KafkaProducer<>(c));
        synchronized (this) { resources.add(producer); }
        return new Publisher() {
            @Override
            public void send(String key, byte[] payload, Ack ack) {
                byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record = envelope
                        ? new ProducerRecord<>(topic, null, null, k, payload, CloudEventsHeaders.kafka(key))
                        : new ProducerRecord<>(topic, k, payload);
                producer.send(record, (md, error) -> ack.done(error));
            }

            @Override public void close() { producer.close(Duration.ofSeconds(10)); }
        };
    }

    @Override
    public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) throws Exception {
        int fetch = 8 * 1024 * 1024 + 64 * 1024;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, maxInFlight)));
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, fetch));
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(50 * 1024 * 1024, fetch));
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Consumer<byte[], byte[]> consumer = telemetry == null ? new KafkaConsumer<>(c) : telemetry.wrap(new KafkaConsumer<>(c));
        KeyedWorkers pool = concurrency > 1 ? new KeyedWorkers(concurrency, "bench-kafka-worker") : null;
        CountDownLatch assigned = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            try {
                consumer.subscribe(List.of(topic));
                while (!Thread.currentThread().isInterrupted()) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (!consumer.assignment().isEmpty()) assigned.countDown();
                    if (records.isEmpty()) continue;
                    if (envelope) for (ConsumerRecord<byte[], byte[]> r : records) headerChars += CloudEventsHeaders.read(r.headers());
                    if (pool == null) {
                        for (ConsumerRecord<byte[], byte[]> r : records) sink.received(keyOf(r), sendNanos(r));
                    } else {
                        CountDownLatch batch = new CountDownLatch(records.count());
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                            pool.submit(keyOf(r), () -> {
                                sink.received(keyOf(r), sendNanos(r));
                                batch.countDown();
                            });
                        }
                        batch.await();
                    }
                    consumer.commitAsync();
                }
            } catch (WakeupException | InterruptedException stop) {
                // closing
            } finally {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }, "bench-kafka-poll");
        loop.setDaemon(true);
        loop.start();
        if (!assigned.await(60, TimeUnit.SECONDS)) {
            consumer.wakeup();
            throw new IllegalStateException("Native Kafka consumer got no partition of " + topic + " within 60 s");
        }
        AutoCloseable handle = () -> {
            consumer.wakeup();
            loop.join(10_000);
            if (pool != null) pool.close();
        };
        synchronized (this) { resources.add(handle); }
        return handle;
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static long sendNanos(ConsumerRecord<byte[], byte[]> r) {
        return ByteBuffer.wrap(r.value()).getLong(0);
    }

    @Override
    public synchronized void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // best effort at the end of a leg
            }
        }
        resources.clear();
        if (tracing != null) tracing.close();
    }
}
