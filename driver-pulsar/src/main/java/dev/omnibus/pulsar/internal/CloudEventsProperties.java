package dev.omnibus.pulsar.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.InvalidMessageException;
import dev.omnibus.Message;
import dev.omnibus.internal.StructuredCloudEvents;
import dev.omnibus.spi.NameCache;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CloudEvents binding Omnibus uses on Pulsar (there is no official one): binary mode mirroring the
 * Kafka protocol binding's names. Context attributes and extensions are message properties
 * {@code ce_<name>} (string values, {@code ce_time} in RFC 3339), {@code datacontenttype} is the
 * property {@code content-type}, the {@code partitionkey} extension is the Pulsar message key (not a
 * property), and the data is the message value, unchanged. A message without {@code ce_specversion}
 * whose {@code content-type} property is {@code application/cloudevents+json} is a structured-mode event
 * (the whole event is the JSON value) and is read as one ({@link StructuredCloudEvents}).
 */
public final class CloudEventsProperties {
    /** Prefix of every CloudEvents property. */
    public static final String PREFIX = "ce_";
    /** Property carrying {@code datacontenttype}. */
    public static final String CONTENT_TYPE = "content-type";
    static final String SPEC_VERSION = "1.0";

    private CloudEventsProperties() {}

    /** The properties that carry {@code m}'s attributes; the key and data travel separately. */
    public static Map<String, String> encode(Message m) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PREFIX + "specversion", SPEC_VERSION);
        p.put(PREFIX + "id", m.id());
        p.put(PREFIX + "source", m.source());
        p.put(PREFIX + "type", m.type());
        p.put(PREFIX + "time", dev.omnibus.internal.Timestamps.format(m.time()));
        if (m.subject() != null) p.put(PREFIX + "subject", m.subject());
        if (m.dataSchema() != null) p.put(PREFIX + "dataschema", m.dataSchema());
        if (m.dataContentType() != null) p.put(CONTENT_TYPE, m.dataContentType());
        m.extensions().forEach((name, value) -> {
            if (!Message.KEY_EXTENSION.equals(name)) p.put(PREFIX + name, value);
        });
        return p;
    }

    /** Bytes the properties add to a message (UTF-8 names and values), for size errors. */
    static long size(Map<String, String> properties) {
        long n = 0;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            n += utf8Length(e.getKey()) + utf8Length(e.getValue()) + 4;
        }
        return n;
    }

    /**
     * Rebuilds the envelope. {@code key} is the Pulsar message key (or {@code null}); {@code where}
     * names the message for error texts.
     *
     * @throws InvalidEnvelopeException when a required attribute is missing or malformed
     */
    public static Message decode(Map<String, String> properties, String key, byte[] data, String where) {
        String specVersion = properties.get(PREFIX + "specversion");
        String id = properties.get(PREFIX + "id");
        String source = properties.get(PREFIX + "source");
        String type = properties.get(PREFIX + "type");
        if (specVersion == null && StructuredCloudEvents.isStructured(properties.get(CONTENT_TYPE))) {
            return StructuredCloudEvents.decode(data, key, properties, where);
        }
        if (id == null || source == null || type == null || specVersion == null) {
            throw invalid(where + " is not a CloudEvents envelope: missing property "
                    + (specVersion == null ? "ce_specversion" : id == null ? "ce_id" : source == null ? "ce_source" : "ce_type")
                    + " (Omnibus maps CloudEvents attributes to ce_* message properties)", data, properties);
        }
        if (!SPEC_VERSION.equals(specVersion)) {
            throw invalid(where + " has ce_specversion '" + specVersion + "'; Omnibus reads CloudEvents 1.0", data, properties);
        }
        try {
            Message.Builder b = dev.omnibus.spi.Payloads.adopt(Message.builder().id(id).source(source).type(type)
                    .subject(properties.get(PREFIX + "subject"))
                    .dataSchema(properties.get(PREFIX + "dataschema")),
                    data, properties.getOrDefault(CONTENT_TYPE, properties.get(PREFIX + "datacontenttype")));
            String time = properties.get(PREFIX + "time");
            if (time != null) b.time(parseTime(time));
            for (Map.Entry<String, String> e : properties.entrySet()) {
                String extension = extensionName(e.getKey());
                if (extension != NO_EXTENSION) b.extension(extension, e.getValue());
            }
            String partitionKey = key != null ? key : properties.get(PREFIX + Message.KEY_EXTENSION);
            b.key(partitionKey);
            return b.build();
        } catch (IllegalArgumentException | InvalidMessageException | DateTimeParseException e) {
            throw invalid(where + " carries an invalid CloudEvents attribute: " + e.getMessage(), data, properties);
        }
    }

    /** What {@link #extensionName} returns for a property that carries no extension (compared by identity). */
    private static final String NO_EXTENSION = new String("(none)");

    /** Property name to extension name (or {@link #NO_EXTENSION}). */
    private static final NameCache EXTENSION_NAMES = NameCache.of(property -> {
        String name = property.startsWith(PREFIX) ? property.substring(PREFIX.length()) : NO_EXTENSION;
        return Message.RESERVED_NAMES.contains(name) ? NO_EXTENSION : name;
    });

    /**
     * The extension a {@code ce_<name>} property carries, or {@link #NO_EXTENSION} (a context attribute, or not a
     * {@code ce_} property). Malformed names are returned as they are, for the builder to refuse.
     */
    private static String extensionName(String property) { return EXTENSION_NAMES.get(property); }

    private static Instant parseTime(String text) {
        try {
            return dev.omnibus.internal.Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.parse(text); // what ISO_INSTANT reads beyond RFC 3339's common form (e.g. a leap second)
        }
    }

    private static InvalidEnvelopeException invalid(String reason, byte[] data, Map<String, String> properties) {
        return new InvalidEnvelopeException(reason, data, properties);
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }
}
