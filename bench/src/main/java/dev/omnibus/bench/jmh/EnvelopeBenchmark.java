package dev.omnibus.bench.jmh;

import dev.omnibus.Codec;
import dev.omnibus.Message;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.omnibus.kafka.internal.CloudEventsBinaryMapping;
import dev.omnibus.pulsar.internal.CloudEventsProperties;
import dev.omnibus.rabbitmq.internal.CloudEventsAmqp;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Envelope hot paths of omnibus-api, per message: building a {@link Message}, the CloudEvents
 * conversion both ways, the default JSON codec, and the drivers' wire mappings: Kafka's binary mode (ce_
 * headers, encode and decode) and the decoders of Pulsar (ce_ properties) and RabbitMQ (cloudEvents: headers). Run with {@code -prof gc} for bytes allocated per operation
 * (see docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeBenchmark {

    /** A typical small business payload for the codec. */
    public record OrderPlaced(String orderId, String customerId, long amountCents, String currency, Instant placedAt) {}

    private byte[] payload;
    private Message message;
    private CloudEvent event;
    private OrderPlaced order;
    private byte[] orderJson;
    private ConsumerRecord<byte[], byte[]> record;
    private Map<String, String> pulsarProperties;
    private AMQP.BasicProperties amqpProperties;

    @Setup
    public void setUp() {
        payload = new byte[1024];
        ThreadLocalRandom.current().nextBytes(payload);
        message = Message.builder().type("com.acme.orders.OrderPlaced").key("order-42")
                .extension("tenantid", "acme").data(payload, "application/octet-stream").build();
        event = message.toCloudEvent();
        order = new OrderPlaced("order-42", "customer-7", 12_999, "EUR", Instant.parse("2026-01-01T10:00:00Z"));
        orderJson = Codec.json().encode(order);
        Headers headers = CloudEventsBinaryMapping.headers(message);
        record = new ConsumerRecord<>("orders", 0, 42L, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                -1, -1, CloudEventsBinaryMapping.key(message), CloudEventsBinaryMapping.value(message),
                new RecordHeaders(headers.toArray()), Optional.empty());
        pulsarProperties = CloudEventsProperties.encode(message);
        AMQP.BasicProperties sent = CloudEventsAmqp.properties(message, null);
        Map<String, Object> received = new HashMap<>();
        sent.getHeaders().forEach((k, v) -> received.put(k, v instanceof String text ? LongStringHelper.asLongString(text) : v));
        amqpProperties = sent.builder().headers(received).build();
    }

    @Benchmark
    public Message buildMessage() {
        return Message.builder().type("com.acme.orders.OrderPlaced").key("order-42").data(payload, "application/octet-stream").build();
    }

    /** {@link #buildMessage()} handing the payload over ({@code wrapData}) instead of having it copied. */
    @Benchmark
    public Message buildMessageWrapped() {
        return Message.builder().type("com.acme.orders.OrderPlaced").key("order-42").wrapData(payload, "application/octet-stream").build();
    }

    /** The default message id (UUIDv7): part of every {@link #buildMessage()}. */
    @Benchmark
    public String newId() { return dev.omnibus.internal.Ids.newId(); }

    @Benchmark
    public CloudEvent toCloudEvent() { return message.toCloudEvent(); }

    @Benchmark
    public Message fromCloudEvent() { return Message.fromCloudEvent(event); }

    @Benchmark
    public byte[] jsonEncode() { return Codec.json().encode(order); }

    @Benchmark
    public OrderPlaced jsonDecode() { return Codec.json().decode(orderJson, OrderPlaced.class); }

    @Benchmark
    public Headers kafkaEncodeHeaders() { return CloudEventsBinaryMapping.headers(message); }

    @Benchmark
    public Message kafkaDecode() { return CloudEventsBinaryMapping.decode(record); }

    /**
     * Pulsar: the {@code ce_} message properties back into a {@link Message}. The properties are first copied into
     * new Strings, as the Pulsar client decodes them per message (the copy is part of the figure).
     */
    @Benchmark
    public Message pulsarDecode() {
        Map<String, String> fresh = new HashMap<>(pulsarProperties.size() * 2);
        pulsarProperties.forEach((k, v) -> fresh.put(new String(k), new String(v)));
        return CloudEventsProperties.decode(fresh, "order-42", payload, "benchmark");
    }

    /** RabbitMQ: AMQP properties whose headers are {@code LongString}s, as amqp-client delivers them, into a {@link Message}. */
    @Benchmark
    public Message rabbitmqDecode() { return CloudEventsAmqp.decode(amqpProperties, payload); }
}
