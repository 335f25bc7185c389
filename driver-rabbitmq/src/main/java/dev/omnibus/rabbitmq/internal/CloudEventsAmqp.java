package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.InvalidMessageException;
import dev.omnibus.Message;
import dev.omnibus.internal.StructuredCloudEvents;
import dev.omnibus.spi.NameCache;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CloudEvents AMQP protocol binding (binary content mode) on AMQP 0-9-1: every context attribute and
 * extension is an application property (header) named {@code cloudEvents:<name>} with a string value;
 * {@code datacontenttype} is the AMQP {@code content_type} property; the body is the data. The AMQP
 * {@code message_id} carries the id, {@code timestamp} the time (seconds) and {@code delivery_mode} is 2
 * (persistent). {@code content_type} and {@code message_id} are AMQP short strings: a content type longer
 * than 255 UTF-8 bytes travels as the {@code cloudEvents:datacontenttype} header instead, and an id that long
 * only as {@code cloudEvents:id}. Reading also accepts the {@code cloudEvents_} prefix of the binding.
 */
public final class CloudEventsAmqp {
    public static final String PREFIX = "cloudEvents:";
    public static final String ALT_PREFIX = "cloudEvents_";
    /** The direct reply-to pseudo queue. */
    public static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

    private CloudEventsAmqp() {}

    /** The AMQP properties of a message (headers carry the CloudEvents attributes). */
    public static AMQP.BasicProperties properties(Message m, String amqpReplyTo) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(PREFIX + "specversion", "1.0");
        headers.put(PREFIX + "id", m.id());
        headers.put(PREFIX + "source", m.source());
        headers.put(PREFIX + "type", m.type());
        headers.put(PREFIX + "time", dev.omnibus.internal.Timestamps.format(m.time()));
        if (m.subject() != null) headers.put(PREFIX + "subject", m.subject());
        if (m.dataSchema() != null) headers.put(PREFIX + "dataschema", m.dataSchema());
        for (Map.Entry<String, String> e : m.extensions().entrySet()) headers.put(headerName(e.getKey()), e.getValue());
        // content_type and message_id are AMQP short strings (at most 255 UTF-8 bytes): a longer content type
        // travels as the binding's cloudEvents:datacontenttype header instead, a longer id only in cloudEvents:id
        String contentType = m.dataContentType();
        if (contentType != null && utf8Length(contentType) > SHORT_STRING_MAX) {
            headers.put(PREFIX + "datacontenttype", contentType);
            contentType = null;
        }
        return new AMQP.BasicProperties.Builder()
                .contentType(contentType)
                .messageId(utf8Length(m.id()) <= SHORT_STRING_MAX ? m.id() : null)
                .timestamp(Date.from(m.time()))
                .deliveryMode(2)
                .replyTo(amqpReplyTo)
                .headers(headers)
                .build();
    }

    /** Encoded size: body plus the content header, for the client-side size check. */
    public static long encodedSize(Message m) {
        return m.dataSize() + headerSize(m);
    }

    /**
     * Upper bound of the content header frame's size (properties and the cloudEvents: headers, UTF-8). The
     * whole header must fit in one frame of the connection's negotiated {@code frame_max}.
     */
    public static long headerSize(Message m) {
        long size = 200L + 2L * utf8Length(m.id()) + utf8Length(m.source()) + utf8Length(m.type()) + 64;
        if (m.subject() != null) size += utf8Length(m.subject()) + 32;
        if (m.dataSchema() != null) size += utf8Length(m.dataSchema()) + 32;
        if (m.dataContentType() != null) size += utf8Length(m.dataContentType()) + 32;
        for (Map.Entry<String, String> e : m.extensions().entrySet()) {
            size += PREFIX.length() + e.getKey().length() + utf8Length(e.getValue()) + 8;
        }
        return size;
    }

    /** AMQP 0-9-1 short strings (content_type, message_id) hold at most 255 bytes. */
    static final int SHORT_STRING_MAX = 255;

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }

    /** The headers rendered as strings (for errors and dead letters of foreign messages). */
    public static Map<String, String> headersAsText(AMQP.BasicProperties p) {
        Map<String, String> out = new LinkedHashMap<>();
        if (p.getHeaders() != null) p.getHeaders().forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
        if (p.getContentType() != null) out.put("content-type", p.getContentType());
        if (p.getMessageId() != null) out.put("message-id", p.getMessageId());
        return out;
    }

    /** The ordering key from the {@code cloudEvents:partitionkey} header, or null; never throws. */
    public static String key(AMQP.BasicProperties p) {
        Object v = attribute(p.getHeaders(), PREFIX + Message.KEY_EXTENSION, ALT_PREFIX + Message.KEY_EXTENSION);
        return v == null ? null : v.toString();
    }

    /**
     * Decodes a delivery. {@code amqpReplyTo} replaces a {@code replyto} extension that names the direct
     * reply-to pseudo queue (the broker rewrote the AMQP reply_to property into the real address).
     */
    public static Message decode(AMQP.BasicProperties p, byte[] body) {
        Map<String, Object> headers = p.getHeaders();
        if (headers == null) headers = Map.of();
        Object spec = attribute(headers, PREFIX + "specversion", ALT_PREFIX + "specversion");
        String id = text(attribute(headers, PREFIX + "id", ALT_PREFIX + "id"));
        String source = text(attribute(headers, PREFIX + "source", ALT_PREFIX + "source"));
        String type = text(attribute(headers, PREFIX + "type", ALT_PREFIX + "type"));
        if (spec == null && StructuredCloudEvents.isStructured(p.getContentType())) {
            return StructuredCloudEvents.decode(body, key(p), headersAsText(p), "AMQP message "
                    + (p.getMessageId() == null ? "" : "'" + p.getMessageId() + "' ") + "(content-type " + p.getContentType() + ")");
        }
        if (spec == null || id == null || source == null || type == null) {
            throw invalid("Not a CloudEvents message: missing application propert"
                    + (missing(spec, id, source, type)) + " (AMQP binary mode needs cloudEvents:specversion, id, source, type)",
                    p, body);
        }
        if (!"1.0".equals(spec.toString())) {
            throw invalid("Unsupported CloudEvents specversion '" + spec + "'; Omnibus reads 1.0", p, body);
        }
        try {
            Message.Builder b = dev.omnibus.spi.Payloads.adopt(Message.builder().id(id).source(source).type(type), body, p.getContentType());
            for (Map.Entry<String, Object> e : headers.entrySet()) {
                Object raw = e.getValue();
                String name = raw == null ? null : attributeName(e.getKey());
                if (name == null) continue;
                switch (name) { // the value is turned into a string only where it is used
                    case "specversion", "id", "source", "type" -> { }
                    case "datacontenttype" -> { if (p.getContentType() == null) dev.omnibus.spi.Payloads.adopt(b, body, raw.toString()); }
                    case "subject" -> b.subject(raw.toString());
                    case "dataschema" -> b.dataSchema(raw.toString());
                    case "time" -> b.time(parseTime(raw.toString()));
                    default -> b.extension(name, raw.toString());
                }
            }
            Message m = b.build();
            String replyTo = m.extension("replyto");
            if (DIRECT_REPLY_TO.equals(replyTo) && p.getReplyTo() != null && p.getReplyTo().startsWith(DIRECT_REPLY_TO + ".")) {
                m = m.withExtension("replyto", p.getReplyTo());
            }
            return m;
        } catch (IllegalArgumentException | InvalidMessageException | DateTimeParseException e) {
            throw invalid("Malformed CloudEvents attribute: " + e.getMessage(), p, body);
        }
    }

    private static String missing(Object spec, String id, String source, String type) {
        StringBuilder sb = new StringBuilder();
        if (spec == null) sb.append(" cloudEvents:specversion");
        if (id == null) sb.append(" cloudEvents:id");
        if (source == null) sb.append(" cloudEvents:source");
        if (type == null) sb.append(" cloudEvents:type");
        String s = sb.toString().trim();
        return (s.contains(" ") ? "ies " : "y ") + s;
    }

    private static Instant parseTime(String value) {
        return dev.omnibus.internal.Timestamps.parse(value);
    }

    private static InvalidEnvelopeException invalid(String reason, AMQP.BasicProperties p, byte[] body) {
        return new InvalidEnvelopeException(reason, body, headersAsText(p));
    }

    private static Object attribute(Map<String, Object> headers, String header, String altHeader) {
        if (headers == null) return null;
        Object v = headers.get(header);
        return v != null ? v : headers.get(altHeader);
    }

    /** Header name to attribute name ("" for a header that is not one). */
    private static final NameCache ATTRIBUTE_NAMES = NameCache.of(header -> header.startsWith(PREFIX)
            ? header.substring(PREFIX.length()) : header.startsWith(ALT_PREFIX) ? header.substring(ALT_PREFIX.length()) : "");
    /** Extension name to {@code cloudEvents:<name>}. */
    private static final NameCache HEADER_NAMES = NameCache.of(extension -> PREFIX + extension);

    private static String attributeName(String header) {
        String name = ATTRIBUTE_NAMES.get(header);
        return name.isEmpty() ? null : name;
    }

    private static String headerName(String extension) { return HEADER_NAMES.get(extension); }

    private static String text(Object v) {
        if (v == null) return null;
        String s = v.toString();
        return s.isEmpty() ? null : s;
    }
}
