package dev.omnibus.bench.internal;

import com.rabbitmq.client.AMQP;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * The CloudEvents envelope as a user of a native client writes it by hand, in binary content mode: the same
 * attributes the Omnibus leg's messages carry, laid out as each Omnibus driver lays them out.
 * <ul>
 *   <li>Kafka (protocol binding): headers {@code ce_specversion}, {@code ce_id} (a random UUID), {@code ce_source},
 *       {@code ce_type}, {@code ce_time}, {@code content-type} and, with a key, {@code ce_partitionkey};</li>
 *   <li>Pulsar: the same names as message properties (the key is the Pulsar message key);</li>
 *   <li>AMQP (protocol binding): headers {@code cloudEvents:specversion}, {@code id}, {@code source}, {@code type},
 *       {@code time}, {@code partitionkey}, and the properties content-type, message-id, timestamp, persistent;</li>
 *   <li>NATS (binary mode as the CloudEvents Go SDK writes it): headers {@code ce-specversion}, {@code ce-id},
 *       {@code ce-source}, {@code ce-type}, {@code ce-time}, {@code content-type} and, with a key,
 *       {@code ce-partitionkey} (the bench's values need no percent-encoding).</li>
 * </ul>
 * Reading turns every attribute into a string, as any use of the attributes needs.
 */
final class CloudEventsHeaders {
    private static final byte[] SPEC = bytes("1.0");
    private static final byte[] SOURCE = bytes("/bench");
    private static final byte[] TYPE = bytes(OmnibusClient.TYPE);
    private static final byte[] CONTENT_TYPE = bytes("application/octet-stream");

    private CloudEventsHeaders() {}

    /** The headers of one record with {@code key} (may be null). */
    static Headers kafka(String key) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", SPEC);
        h.add("ce_id", bytes(randomId()));
        h.add("ce_source", SOURCE);
        h.add("ce_type", TYPE);
        h.add("ce_time", bytes(Instant.now().toString()));
        h.add("content-type", CONTENT_TYPE);
        if (key != null) h.add("ce_partitionkey", bytes(key));
        return h;
    }

    /** Header names of specversion, id, source, type and time where they are {@code ce_<name>} and {@code ce-<name>}. */
    private static final String[] UNDERSCORED = {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"};
    private static final String[] HYPHENATED = {"ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time"};

    /** Puts the bench's context attributes under {@code names} (see above), and its content type. */
    private static void attributes(String[] names, BiConsumer<String, String> put) {
        put.accept(names[0], "1.0");
        put.accept(names[1], randomId());
        put.accept(names[2], "/bench");
        put.accept(names[3], OmnibusClient.TYPE);
        put.accept(names[4], Instant.now().toString());
        put.accept("content-type", "application/octet-stream");
    }

    /** The properties of one Pulsar message (the key travels as the message key, as with Omnibus). */
    static Map<String, String> pulsar() {
        Map<String, String> p = new HashMap<>(8);
        attributes(UNDERSCORED, p::put);
        return p;
    }

    /** Reads every Pulsar property; returns how many characters they held. */
    static int read(Map<String, String> properties) {
        int chars = 0;
        for (Map.Entry<String, String> e : properties.entrySet()) chars += e.getKey().length() + e.getValue().length();
        return chars;
    }

    /** The properties of one persistent AMQP message with {@code key} (may be null). */
    static AMQP.BasicProperties amqp(String key) {
        String id = randomId();
        Instant now = Instant.now();
        Map<String, Object> h = new HashMap<>(8);
        h.put("cloudEvents:specversion", "1.0");
        h.put("cloudEvents:id", id);
        h.put("cloudEvents:source", "/bench");
        h.put("cloudEvents:type", OmnibusClient.TYPE);
        h.put("cloudEvents:time", now.toString());
        if (key != null) h.put("cloudEvents:partitionkey", key);
        return new AMQP.BasicProperties.Builder().contentType("application/octet-stream").messageId(id)
                .timestamp(Date.from(now)).deliveryMode(2).headers(h).build();
    }

    /** The headers of one NATS message with {@code key} (may be null). */
    static io.nats.client.impl.Headers nats(String key) {
        io.nats.client.impl.Headers h = new io.nats.client.impl.Headers();
        attributes(HYPHENATED, (name, value) -> h.put(name, value));
        if (key != null) h.put("ce-partitionkey", key);
        return h;
    }

    /** Reads every NATS header's first value; returns how many characters they held. */
    static int read(io.nats.client.impl.Headers headers) {
        int chars = 0;
        if (headers == null) return 0;
        for (String name : headers.keySet()) {
            String value = headers.getFirst(name);
            chars += name.length() + (value == null ? 0 : value.length());
        }
        return chars;
    }

    /** Reads every AMQP header and the content type and message id as strings; returns how many characters they held. */
    static int read(AMQP.BasicProperties p) {
        int chars = 0;
        if (p.getHeaders() != null) {
            for (Map.Entry<String, Object> e : p.getHeaders().entrySet()) {
                chars += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().toString().length());
            }
        }
        if (p.getContentType() != null) chars += p.getContentType().length();
        if (p.getMessageId() != null) chars += p.getMessageId().length();
        return chars;
    }

    private static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(r.nextLong(), r.nextLong()).toString();
    }

    /** Reads every header as a string; returns how many characters they held (so the work is not optimised away). */
    static int read(Headers headers) {
        int chars = 0;
        for (Header h : headers) {
            String name = h.key();
            String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            chars += name.length() + value.length();
        }
        return chars;
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
