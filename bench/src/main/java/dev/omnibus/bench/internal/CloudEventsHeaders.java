package dev.omnibus.bench.internal;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The CloudEvents envelope as a user of a native client writes it by hand (binary content mode of the Kafka
 * protocol binding): {@code ce_specversion}, {@code ce_id} (a random UUID), {@code ce_source}, {@code ce_type},
 * {@code ce_time}, {@code content-type} and, with a key, {@code ce_partitionkey}; the same attributes the Omnibus
 * leg's messages carry. Reading turns every header into a string, as any use of the attributes needs.
 */
final class CloudEventsHeaders {
    private static final byte[] SPEC = bytes("1.0");
    private static final byte[] SOURCE = bytes("/bench");
    private static final byte[] TYPE = bytes(OmnibusClient.TYPE);
    private static final byte[] CONTENT_TYPE = bytes("application/octet-stream");

    private CloudEventsHeaders() {}

    /** The headers of one record with {@code key} (may be null). */
    static Headers kafka(String key) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", SPEC);
        h.add("ce_id", bytes(new UUID(r.nextLong(), r.nextLong()).toString()));
        h.add("ce_source", SOURCE);
        h.add("ce_type", TYPE);
        h.add("ce_time", bytes(Instant.now().toString()));
        h.add("content-type", CONTENT_TYPE);
        if (key != null) h.add("ce_partitionkey", bytes(key));
        return h;
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
