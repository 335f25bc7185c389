package dev.omnibus.samples.redis.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.internal.StructuredCloudEvents;
import dev.omnibus.Message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire mapping: one message is one stream entry. CloudEvents has no Redis binding, so this
 * driver follows the Kafka binary binding's names, as the Pulsar driver does: every context attribute
 * and extension is a field {@code ce_<name>} holding its text, except {@code datacontenttype}, which is
 * the field {@code content-type}; the payload is the field {@code data} (raw bytes). The ordering key
 * travels as the {@code partitionkey} extension, i.e. the field {@code ce_partitionkey}.
 *
 * <p>An entry without {@code ce_specversion} whose {@code content-type} field is
 * {@code application/cloudevents+json} holds a structured-mode event in {@code data}, read as one
 * ({@link StructuredCloudEvents}). Any other entry without {@code ce_specversion} (written by some other producer) is not an envelope:
 * {@link #decode} throws {@link InvalidEnvelopeException}, and the core dead-letters it. Such a
 * producer may still give an ordering key in a plain {@code key} field.
 */
final class StreamFields {
    static final String PREFIX = "ce_";
    static final String DATA = "data";
    static final String CONTENT_TYPE = "content-type";
    static final String FOREIGN_KEY = "key";

    private StreamFields() {}

    /** The fields of the entry carrying {@code m}. */
    static Map<byte[], byte[]> encode(Message m) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        put(fields, "specversion", "1.0");
        put(fields, "id", m.id());
        put(fields, "source", m.source());
        put(fields, "type", m.type());
        put(fields, "time", m.time().toString());
        put(fields, "subject", m.subject());
        put(fields, "dataschema", m.dataSchema());
        m.extensions().forEach((name, value) -> put(fields, name, value));
        if (m.dataContentType() != null) fields.put(bytes(CONTENT_TYPE), bytes(m.dataContentType()));
        fields.put(bytes(DATA), dev.omnibus.spi.Payloads.array(m)); // read-only use: no copy (docs/writing-a-driver.md)
        return fields;
    }

    /** What the entry weighs on the wire: the sum of its field names and values. */
    static long size(Map<byte[], byte[]> fields) {
        long size = 0;
        for (Map.Entry<byte[], byte[]> f : fields.entrySet()) size += f.getKey().length + f.getValue().length;
        return size;
    }

    /** Field names as text (Redis field names are binary-safe strings; ours are ASCII). */
    static Map<String, byte[]> byName(Map<byte[], byte[]> raw) {
        Map<String, byte[]> fields = new TreeMap<>();
        raw.forEach((k, v) -> fields.put(new String(k, StandardCharsets.UTF_8), v));
        return fields;
    }

    /** The ordering key: works for foreign entries too, as {@link dev.omnibus.spi.Inbound#key()} requires. */
    static String key(Map<String, byte[]> fields) {
        byte[] key = fields.getOrDefault(PREFIX + Message.KEY_EXTENSION, fields.get(FOREIGN_KEY));
        return key == null ? null : text(key);
    }

    /** The message in {@code fields}; {@link InvalidEnvelopeException} when they are not an envelope. */
    static Message decode(Map<String, byte[]> fields, String where) {
        if (fields.get(PREFIX + "specversion") == null && StructuredCloudEvents.isStructured(text(fields.get(CONTENT_TYPE)))) {
            return StructuredCloudEvents.decode(fields.get(DATA), key(fields), textFields(fields), where);
        }
        if (!"1.0".equals(text(fields.get(PREFIX + "specversion")))) {
            throw invalid(where + " is not a CloudEvents 1.0 envelope: field '" + PREFIX
                    + "specversion' is missing or not '1.0' (written by a foreign producer?)", fields);
        }
        try {
            Message.Builder b = Message.builder();
            byte[] data = fields.getOrDefault(DATA, new byte[0]);
            String contentType = text(fields.get(CONTENT_TYPE));
            for (Map.Entry<String, byte[]> f : fields.entrySet()) {
                if (!f.getKey().startsWith(PREFIX)) continue;
                String name = f.getKey().substring(PREFIX.length());
                String value = text(f.getValue());
                switch (name) {
                    case "specversion" -> { }
                    case "id" -> b.id(value);
                    case "source" -> b.source(value);
                    case "type" -> b.type(value);
                    case "time" -> b.time(Instant.parse(value));
                    case "subject" -> b.subject(value);
                    case "dataschema" -> b.dataSchema(value);
                    default -> b.extension(name, value);
                }
            }
            return dev.omnibus.spi.Payloads.adopt(b, data, contentType).build(); // freshly decoded: adopted, not copied
        } catch (RuntimeException bad) { // a missing type, a bad time, an invalid extension name...
            throw invalid(where + " is not a valid envelope: " + bad.getMessage(), fields);
        }
    }

    private static InvalidEnvelopeException invalid(String reason, Map<String, byte[]> fields) {
        return new InvalidEnvelopeException(reason, fields.getOrDefault(DATA, new byte[0]), textFields(fields));
    }

    /** Every field but the data, as text: the headers of an {@link InvalidEnvelopeException}. */
    private static Map<String, String> textFields(Map<String, byte[]> fields) {
        Map<String, String> headers = new TreeMap<>();
        fields.forEach((k, v) -> { if (!k.equals(DATA)) headers.put(k, text(v)); });
        return headers;
    }

    private static void put(Map<byte[], byte[]> fields, String name, String value) {
        if (value != null) fields.put(bytes(PREFIX + name), bytes(value));
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String text(byte[] b) { return b == null ? null : new String(b, StandardCharsets.UTF_8); }
}
