package dev.omnibus;

import dev.omnibus.internal.Ids;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable CloudEvents 1.0 envelope: the unit every driver carries. One Message maps 1:1 to a
 * {@link CloudEvent} ({@link #toCloudEvent()}, {@link #fromCloudEvent(CloudEvent)}).
 *
 * <p>The ordering {@link #key()} is the CloudEvents {@code partitionkey} extension. Defaults: the id is
 * a time-sortable UUIDv7, the time is now (microsecond precision), the source is {@code /omnibus}.
 * Extension values are strings on every broker, so what is published is what is received, exactly.
 *
 * <p>Validation ({@link InvalidMessageException} naming the attribute, at build time): {@code id},
 * {@code source} and {@code type} are non-empty; {@code subject}, {@code datacontenttype} and
 * {@code dataschema} are absent or non-empty; {@code source} is a URI-reference and {@code dataschema}
 * an absolute URI; {@code time} lies in RFC 3339's years 0000-9999; extension names are 1-64 lower-case
 * ASCII letters or digits and not a context attribute; no string holds an unpaired UTF-16 surrogate
 * (UTF-8, which every broker uses, cannot encode one). Any other text, control characters included, and
 * any payload bytes are carried exactly.
 *
 * <pre>{@code
 * Message m = Message.of("com.acme.orders.OrderPlaced", order).withKey(order.id());
 * }</pre>
 */
public final class Message {
    /** CloudEvents extension carrying the ordering key. */
    public static final String KEY_EXTENSION = "partitionkey";
    /** Default source when none is given. */
    public static final String DEFAULT_SOURCE = "/omnibus";

    /** The context attribute names that may not be used as extension names. */
    public static final Set<String> RESERVED_NAMES = Set.of(
            "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data",
            "data_base64");
    private static final byte[] EMPTY = new byte[0];
    /** Earliest {@link #time()} accepted: RFC 3339 years start at 0000. */
    public static final Instant MIN_TIME = Instant.parse("0000-01-01T00:00:00Z");
    /** Latest {@link #time()} accepted: RFC 3339 years end at 9999. */
    public static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

    static {
        dev.omnibus.internal.MessageAccess.install(new dev.omnibus.internal.MessageAccess.Accessor() {
            @Override public byte[] data(Message message) { return message.data; }

            @Override public Builder adoptData(Builder builder, byte[] data, String contentType) {
                builder.data = data;
                builder.dataContentType = contentType;
                return builder;
            }
        });
    }

    private final String id;
    private final String source;
    private final String type;
    private final String subject;
    private final Instant time;
    private final String dataContentType;
    private final String dataSchema;
    private final Map<String, String> extensions;
    /** The {@code partitionkey} extension, read once: {@link #key()} is asked per message, often long after publish. */
    private final String key;
    private final byte[] data;

    private Message(Builder b) {
        this.id = requireText("id", b.id == null ? Ids.newId() : b.id);
        this.source = checked(SOURCE, b.source == null ? DEFAULT_SOURCE : b.source);
        this.type = checked(TYPE, b.type);
        this.subject = optionalText("subject", b.subject);
        this.time = b.time == null ? dev.omnibus.internal.Timestamps.now() : requireRfc3339Range(b.time);
        this.dataContentType = checked(CONTENT_TYPE, b.dataContentType);
        this.dataSchema = checked(SCHEMA, b.dataSchema);
        if (b.extensions == null || b.extensions.isEmpty()) {
            this.extensions = Collections.emptyMap();
        } else {
            for (Map.Entry<String, String> e : b.extensions.entrySet()) requireWellFormed(e.getKey(), e.getValue());
            this.extensions = Collections.unmodifiableMap(b.extensions);
            b.extensionsShared = true; // the builder copies before its next change
        }
        this.key = extensions.get(KEY_EXTENSION);
        this.data = b.data == null ? EMPTY : b.data;
    }

    /** A copy of {@code m} with {@code extensions} (already validated and unmodifiable). */
    private Message(Message m, Map<String, String> extensions) {
        this.id = m.id; this.source = m.source; this.type = m.type; this.subject = m.subject; this.time = m.time;
        this.dataContentType = m.dataContentType; this.dataSchema = m.dataSchema; this.data = m.data;
        this.extensions = extensions;
        this.key = extensions.get(KEY_EXTENSION);
    }

    /** A message whose data is {@code payload} encoded by the default JSON {@link Codec}. */
    public static Message of(String type, Object payload) {
        return of(type, payload, Codec.json());
    }

    /** A message whose data is {@code payload} encoded by {@code codec}. */
    public static Message of(String type, Object payload, Codec codec) {
        return builder().type(type).wrapData(codec.encode(payload), codec.contentType()).build(); // a fresh array
    }

    /** A message carrying raw bytes with the given content type (may be {@code null}). */
    public static Message ofBytes(String type, byte[] data, String contentType) {
        return builder().type(type).data(data, contentType).build();
    }

    public static Builder builder() { return new Builder(); }

    /** A builder pre-filled with this message's attributes, for derived copies. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id; b.source = source; b.type = type; b.subject = subject; b.time = time;
        b.dataContentType = dataContentType; b.dataSchema = dataSchema;
        if (!extensions.isEmpty()) b.extensions = new TreeMap<>(extensions);
        b.data = data;
        return b;
    }

    public String id() { return id; }
    public String source() { return source; }
    public String type() { return type; }
    /** Optional CloudEvents subject, or {@code null}. */
    public String subject() { return subject; }
    public Instant time() { return time; }
    /** Optional content type of {@link #data()}, or {@code null}. */
    public String dataContentType() { return dataContentType; }
    /** Optional schema URI of the data, or {@code null}. */
    public String dataSchema() { return dataSchema; }
    /** CloudEvents extensions (including {@code partitionkey} when a key is set), sorted by name. */
    public Map<String, String> extensions() { return extensions; }
    /** One extension value, or {@code null}. */
    public String extension(String name) { return extensions.get(name); }
    /** The ordering key ({@code partitionkey}), or {@code null}. */
    public String key() { return key; }

    /** A copy of the payload bytes. */
    public byte[] data() { return data.clone(); }
    /** A read-only, zero-copy view of the payload. */
    public ByteBuffer dataBuffer() { return ByteBuffer.wrap(data).asReadOnlyBuffer(); }
    /** Payload size in bytes. */
    public int dataSize() { return data.length; }
    /** The payload decoded as UTF-8 text. */
    public String dataAsString() { return new String(data, StandardCharsets.UTF_8); }
    /** The payload decoded by the default JSON codec. */
    public <T> T data(Class<T> type) { return Codec.json().decode(data, type); }
    /** The payload decoded by {@code codec}. */
    public <T> T data(Class<T> type, Codec codec) { return codec.decode(data, type); }

    public Message withKey(String key) { return toBuilder().key(key).build(); }
    public Message withExtension(String name, String value) { return toBuilder().extension(name, value).build(); }

    /**
     * A copy with every entry of {@code added} set as an extension (replacing one of the same name; a
     * {@code null} value removes it). Only the added entries are validated, so this is the cheap way to
     * stamp a few extensions (trace context, lineage) on a message that is otherwise unchanged.
     */
    public Message withExtensions(Map<String, String> added) {
        if (added.isEmpty()) return this;
        TreeMap<String, String> copy = new TreeMap<>(extensions);
        for (Map.Entry<String, String> e : added.entrySet()) {
            String name = checkExtensionName(e.getKey());
            if (e.getValue() == null) copy.remove(name); else copy.put(name, requireWellFormed(name, e.getValue()));
        }
        return new Message(this, Collections.unmodifiableMap(copy));
    }
    public Message withId(String id) { return toBuilder().id(id).build(); }

    /** This message as a CloudEvent (spec 1.0); extensions are strings. */
    public CloudEvent toCloudEvent() {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id).withSource(URI.create(source)).withType(type)
                .withTime(OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
        if (subject != null) b.withSubject(subject);
        if (dataSchema != null) b.withDataSchema(URI.create(dataSchema));
        extensions.forEach(b::withExtension);
        if (data.length > 0 || dataContentType != null) {
            b.withData(dataContentType, data);
        }
        return b.build();
    }

    /** Converts a CloudEvent; non-string extension values are rendered with {@code toString()}. */
    public static Message fromCloudEvent(CloudEvent event) {
        if (event.getSpecVersion() != SpecVersion.V1) {
            throw new InvalidEnvelopeException("Unsupported CloudEvents specversion " + event.getSpecVersion()
                    + "; Omnibus reads 1.0", null, null);
        }
        Builder b = builder().id(event.getId()).source(event.getSource().toString()).type(event.getType())
                .subject(event.getSubject())
                .time(event.getTime() == null ? null : event.getTime().toInstant())
                .dataSchema(event.getDataSchema() == null ? null : event.getDataSchema().toString());
        for (String name : event.getExtensionNames()) {
            Object v = event.getExtension(name);
            if (v != null) b.extension(name, v instanceof byte[] bytes ? java.util.Base64.getEncoder().encodeToString(bytes) : v.toString());
        }
        CloudEventData d = event.getData();
        b.data(d == null ? EMPTY : d.toBytes(), event.getDataContentType());
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Message m)) return false;
        return id.equals(m.id) && source.equals(m.source) && type.equals(m.type) && Objects.equals(subject, m.subject)
                && time.equals(m.time) && Objects.equals(dataContentType, m.dataContentType)
                && Objects.equals(dataSchema, m.dataSchema) && extensions.equals(m.extensions)
                && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() { return Objects.hash(id, source, type, time); }

    @Override
    public String toString() {
        return "Message{id=" + id + ", type=" + type + ", source=" + source + (key() == null ? "" : ", key=" + key())
                + ", data=" + data.length + " bytes}";
    }

    private static String requireText(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidMessageException(name, "CloudEvents attribute '" + name + "' must be a non-empty string, got "
                    + (value == null ? "null" : "''"));
        }
        return requireWellFormed(name, value);
    }

    /** CloudEvents 1.0: an optional attribute is absent ({@code null}) or a non-empty string. */
    private static String optionalText(String name, String value) {
        return value == null ? null : requireText(name, value);
    }

    /**
     * Rejects unpaired UTF-16 surrogates: they are not Unicode text, every broker carries attributes as
     * UTF-8, and UTF-8 cannot encode them (they would arrive as '?'). Control characters are carried as is.
     */
    private static String requireWellFormed(String name, String value) {
        int n = value.length();
        int i = 0;
        while (i < n && (value.charAt(i) & 0xF800) != 0xD800) i++; // no surrogate so far: the common case
        for (; i < n; i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidMessageException(name, "CloudEvents attribute '" + name + "' holds an unpaired UTF-16 "
                        + "surrogate U+" + Integer.toHexString(c).toUpperCase() + " at index " + i + " (of " + value.length()
                        + " chars): it is not Unicode text and cannot be encoded as UTF-8; pass well-formed strings");
            }
        }
        return value;
    }

    /*
     * The last value of source, type, datacontenttype and dataschema that passed validation: validity depends on the
     * characters only, and these attributes repeat from message to message, so their checks, a URI parse among them,
     * run once per distinct value instead of per message. Compared by identity first (publishers pass constants, the
     * Kafka decoder hands out one String per repeated header value), then by content (the other drivers' clients
     * build a new String per message). Read and written without locks: a String is immutable and safely published,
     * and a lost or stale entry only means checking again.
     */
    private static final int SOURCE = 0, TYPE = 1, CONTENT_TYPE = 2, SCHEMA = 3;
    private static final String[] VALID = new String[4];

    /** {@code value} of a repeating attribute, validated unless it equals the value last found valid. */
    private static String checked(int attribute, String value) {
        String valid = VALID[attribute];
        if (value != null && (valid == value || value.equals(valid))) return value;
        String checked = switch (attribute) {
            case SOURCE -> requireUriReference(requireText("source", value));
            case TYPE -> requireText("type", value);
            case CONTENT_TYPE -> optionalText("datacontenttype", value);
            default -> requireAbsoluteUri(optionalText("dataschema", value));
        };
        if (checked != null) VALID[attribute] = checked;
        return checked;
    }

    private static String requireUriReference(String source) {
        if (source.equals(DEFAULT_SOURCE)) return source;
        try {
            new URI(source);
            return source;
        } catch (URISyntaxException e) {
            throw new InvalidMessageException("source", "CloudEvents attribute 'source' must be a URI-reference (RFC 3986)"
                    + " such as /orders or urn:acme:orders, got " + abbreviate(source) + ": " + e.getReason()
                    + " at index " + e.getIndex());
        }
    }

    private static String requireAbsoluteUri(String dataSchema) {
        if (dataSchema == null) return null;
        try {
            if (new URI(dataSchema).isAbsolute()) return dataSchema;
            throw new URISyntaxException(dataSchema, "no scheme");
        } catch (URISyntaxException e) {
            throw new InvalidMessageException("dataschema", "CloudEvents attribute 'dataschema' must be an absolute URI"
                    + " such as https://schemas.example.com/order.json, got " + abbreviate(dataSchema) + ": " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
    }

    /** CloudEvents times are RFC 3339 timestamps, whose years run from 0000 to 9999. */
    private static Instant requireRfc3339Range(Instant time) {
        if (time.isBefore(MIN_TIME) || time.isAfter(MAX_TIME)) {
            throw new InvalidMessageException("time", "CloudEvents attribute 'time' must be an RFC 3339 timestamp between "
                    + MIN_TIME + " and " + MAX_TIME + ", got " + time);
        }
        return time;
    }

    private static String abbreviate(String value) {
        String shown = value.length() <= 80 ? value : value.substring(0, 80) + "...(" + value.length() + " chars)";
        return "'" + shown + "'";
    }

    /** {@code [a-z0-9]{1,64}} without a regex: it runs for every extension of every message built. */
    private static boolean isExtensionName(String name) {
        int n = name.length();
        if (n == 0 || n > 64) return false;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    /** Validates an extension name against CloudEvents rules; returns it. */
    static String checkExtensionName(String name) {
        if (name == null || !isExtensionName(name)) {
            throw new InvalidMessageException(String.valueOf(name), "Invalid CloudEvents extension name "
                    + (name == null ? "null" : abbreviate(name)) + ": use 1-64 lower-case ASCII letters or digits (e.g. 'tenantid')");
        }
        if (RESERVED_NAMES.contains(name)) {
            throw new InvalidMessageException(name, "'" + name + "' is a CloudEvents context attribute, not an extension;"
                    + " use the builder's " + name + "(...) method");
        }
        return name;
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String id, source, type, subject, dataContentType, dataSchema;
        private Instant time;
        /** Null until the first extension; once a built message holds it, copied before the next change. */
        private TreeMap<String, String> extensions;
        private boolean extensionsShared;
        private byte[] data;

        private Builder() {}

        private TreeMap<String, String> writableExtensions() {
            if (extensions == null) {
                extensions = new TreeMap<>();
            } else if (extensionsShared) {
                extensions = new TreeMap<>(extensions);
                extensionsShared = false;
            }
            return extensions;
        }

        public Builder id(String id) { this.id = id; return this; }
        public Builder source(String source) { this.source = source; return this; }
        public Builder type(String type) { this.type = type; return this; }
        public Builder subject(String subject) { this.subject = subject; return this; }
        public Builder time(Instant time) { this.time = time; return this; }
        public Builder dataSchema(String dataSchema) { this.dataSchema = dataSchema; return this; }
        /** Sets the ordering key; {@code null} removes it. */
        public Builder key(String key) {
            if (key != null) writableExtensions().put(KEY_EXTENSION, key);
            else if (extensions != null && extensions.containsKey(KEY_EXTENSION)) writableExtensions().remove(KEY_EXTENSION);
            return this;
        }
        /** Adds an extension; a {@code null} value removes it. */
        public Builder extension(String name, String value) {
            checkExtensionName(name);
            if (value != null) writableExtensions().put(name, value);
            else if (extensions != null && extensions.containsKey(name)) writableExtensions().remove(name);
            return this;
        }
        public Builder extensions(Map<String, String> values) { values.forEach(this::extension); return this; }
        /** Sets the payload (copied) and its content type. */
        public Builder data(byte[] data, String contentType) {
            this.data = data == null ? null : data.clone();
            this.dataContentType = contentType;
            return this;
        }
        /**
         * Sets the payload without copying it, with its content type: the caller hands {@code data} over and
         * must not change it afterwards (the message, and what is published from it, would change with it).
         * For arrays made fresh per message (a serializer's output) on hot paths, where {@link #data(byte[], String)}
         * would copy every payload once more. Omnibus itself never writes to a payload array.
         */
        public Builder wrapData(byte[] data, String contentType) {
            this.data = data;
            this.dataContentType = contentType;
            return this;
        }
        /** The message; throws {@link InvalidMessageException} naming the first invalid attribute. */
        public Message build() { return new Message(this); }
    }
}
