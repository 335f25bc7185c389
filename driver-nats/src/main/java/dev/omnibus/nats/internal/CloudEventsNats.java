package dev.omnibus.nats.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.InvalidMessageException;
import dev.omnibus.Message;
import dev.omnibus.internal.StructuredCloudEvents;
import dev.omnibus.spi.NameCache;
import io.nats.client.impl.Headers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudEvents binary content mode on NATS message headers, as the CloudEvents NATS protocol binding's binary
 * mode (and the CloudEvents Go SDK) write it: every context attribute and extension is a {@code ce-<name>}
 * header, {@code datacontenttype} is the {@code content-type} header, the data is the message payload. Header
 * values are percent-encoded like the HTTP binding's (space, {@code "}, {@code %} and everything outside
 * printable ASCII as UTF-8 {@code %XX}), so any attribute value survives the NATS header syntax. Reading, a
 * message without {@code ce-specversion} and with {@code content-type: application/cloudevents+json} is a
 * structured-mode event
 * ({@link StructuredCloudEvents}, the {@code ce-partitionkey} header standing in for a missing key).
 */
public final class CloudEventsNats {
    static final String PREFIX = "ce-";
    /** Extension name to {@code ce-<name>} header name. */
    private static final NameCache HEADER_NAMES = NameCache.of(extension -> PREFIX + extension);
    /** {@code ce-<name>} header name to extension name. */
    private static final NameCache EXTENSION_NAMES = NameCache.of(header -> header.substring(PREFIX.length()));
    static final String SPECVERSION = "ce-specversion";
    static final String ID = "ce-id";
    static final String SOURCE = "ce-source";
    static final String TYPE = "ce-type";
    static final String TIME = "ce-time";
    static final String SUBJECT = "ce-subject";
    static final String DATASCHEMA = "ce-dataschema";
    static final String DATACONTENTTYPE = "ce-datacontenttype";
    static final String CONTENT_TYPE = "content-type";
    static final String PARTITIONKEY = "ce-partitionkey";
    private static final List<String> REQUIRED = List.of(SPECVERSION, ID, SOURCE, TYPE);
    /** {@code NATS/1.0\r\n} and the blank line ending the header block. */
    private static final int HEADER_FRAMING = 12;

    private CloudEventsNats() {}

    /** The NATS headers for {@code m}. */
    public static Headers headers(Message m) {
        Headers h = new Headers();
        h.put(SPECVERSION, "1.0");
        h.put(ID, encode(m.id()));
        h.put(SOURCE, encode(m.source()));
        h.put(TYPE, encode(m.type()));
        h.put(TIME, dev.omnibus.internal.Timestamps.format(m.time()));
        if (m.subject() != null) h.put(SUBJECT, encode(m.subject()));
        if (m.dataSchema() != null) h.put(DATASCHEMA, encode(m.dataSchema()));
        if (m.dataContentType() != null) h.put(CONTENT_TYPE, encode(m.dataContentType()));
        for (Map.Entry<String, String> e : m.extensions().entrySet()) h.put(HEADER_NAMES.get(e.getKey()), encode(e.getValue()));
        return h;
    }

    /** Bytes the headers and data take against the server's {@code max_payload}. */
    public static long encodedSize(Headers headers, byte[] data) {
        long size = HEADER_FRAMING;
        for (String key : headers.keySet()) {
            for (String value : headers.get(key)) size += key.length() + 2 + value.length() + 2;
        }
        return size + data.length;
    }

    /**
     * Decodes a message; throws {@link InvalidEnvelopeException} with the payload and headers when it is not a
     * CloudEvent. {@code where} names the message in that exception's text; its {@code toString()} is called only
     * then, or for a structured-mode message (whose decoder takes the description up front), so a binary-mode
     * delivery, the usual case, can pass itself without building a description per message.
     */
    public static Message decode(String subject, Headers headers, byte[] data, Object where) {
        byte[] body = data == null ? new byte[0] : data;
        String declared = first(headers, CONTENT_TYPE);
        // binary mode is told by its ce-specversion header (a dead letter of a structured event keeps that content type)
        if (first(headers, SPECVERSION) == null && declared != null && StructuredCloudEvents.isStructured(declared)) {
            return StructuredCloudEvents.decode(body, key(headers), headerMap(headers), "subject " + subject + ", " + where);
        }
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED) if (first(headers, name) == null) missing.add(name);
        if (!missing.isEmpty()) {
            throw new InvalidEnvelopeException("Not a CloudEvents NATS message: neither binary mode (required header(s) "
                    + missing + " missing) nor structured mode (content-type " + StructuredCloudEvents.CONTENT_TYPE + ")"
                    + " (subject " + subject + ", " + where + ")", body, headerMap(headers));
        }
        String spec = first(headers, SPECVERSION);
        if (!"1.0".equals(spec)) {
            throw new InvalidEnvelopeException("Unsupported CloudEvents specversion '" + spec + "'; Omnibus reads 1.0 (subject "
                    + subject + ", " + where + ")", body, headerMap(headers));
        }
        try {
            Message.Builder b = Message.builder();
            String contentType = null;
            for (String name : headers.keySet()) {
                String raw = first(headers, name);
                if (name.equalsIgnoreCase(CONTENT_TYPE)) { contentType = decode(raw); continue; }
                if (!name.startsWith(PREFIX)) continue;
                String value = decode(raw);
                switch (name) {
                    case SPECVERSION -> { }
                    case ID -> b.id(value);
                    case SOURCE -> b.source(value);
                    case TYPE -> b.type(value);
                    case TIME -> b.time(dev.omnibus.internal.Timestamps.parse(value));
                    case SUBJECT -> b.subject(value);
                    case DATASCHEMA -> b.dataSchema(value);
                    case DATACONTENTTYPE -> contentType = value;
                    default -> b.extension(EXTENSION_NAMES.get(name), value);
                }
            }
            dev.omnibus.spi.Payloads.adopt(b, body, contentType);
            return b.build();
        } catch (IllegalArgumentException | InvalidMessageException | DateTimeParseException e) {
            throw new InvalidEnvelopeException("Malformed CloudEvents header: " + e.getMessage() + " (subject " + subject + ", "
                    + where + ")", body, headerMap(headers));
        }
    }

    /** The ordering key: the {@code ce-partitionkey} header, or {@code null}. */
    public static String key(Headers headers) {
        String k = first(headers, PARTITIONKEY);
        if (k == null) return null;
        try {
            return decode(k);
        } catch (IllegalArgumentException e) {
            return k;
        }
    }

    static Map<String, String> headerMap(Headers headers) {
        Map<String, String> m = new LinkedHashMap<>();
        if (headers != null) for (String k : headers.keySet()) m.put(k, first(headers, k));
        return m;
    }

    private static String first(Headers headers, String name) {
        return headers == null ? null : headers.getFirst(name);
    }

    /** Percent-encodes space, {@code "}, {@code %} and every character outside printable ASCII (as UTF-8). */
    static String encode(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) plain = !needsEncoding(value.charAt(i));
        if (plain) return value;
        StringBuilder sb = new StringBuilder(value.length() + 16);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x80 && !needsEncoding((char) c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static boolean needsEncoding(char c) { return c <= 0x20 || c >= 0x7f || c == '"' || c == '%'; }

    /** Reverses {@link #encode}; throws IllegalArgumentException on a malformed escape. */
    static String decode(String value) {
        if (value.indexOf('%') < 0) return value;
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) throw new IllegalArgumentException("truncated percent escape in '" + value + "'");
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new IllegalArgumentException("bad percent escape in '" + value + "'");
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
