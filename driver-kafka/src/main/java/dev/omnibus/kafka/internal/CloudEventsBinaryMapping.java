package dev.omnibus.kafka.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.InvalidMessageException;
import dev.omnibus.Message;
import dev.omnibus.internal.StructuredCloudEvents;
import dev.omnibus.spi.NameCache;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CloudEvents Kafka protocol binding, binary content mode, written by hand (no SDK objects on the hot
 * path): every context attribute and extension is a {@code ce_<name>} header with a UTF-8 value,
 * {@code datacontenttype} is the {@code content-type} header, the data is the record value, and the
 * {@code partitionkey} extension is the record key (and also its {@code ce_partitionkey} header, so CloudEvents
 * SDK readers see the extension). Reading, a record key without a {@code ce_partitionkey} header becomes the
 * {@code partitionkey}. A record without {@code ce_*} headers whose {@code content-type} is
 * {@code application/cloudevents+json} is a structured-mode event and is read as one
 * ({@link StructuredCloudEvents}, the record key standing in for a missing {@code partitionkey}).
 * Interop with {@code io.cloudevents:cloudevents-kafka} (both modes) is proven by the driver's tests.
 */
public final class CloudEventsBinaryMapping {
    static final String PREFIX = "ce_";
    static final String SPECVERSION = "ce_specversion";
    static final String ID = "ce_id";
    static final String SOURCE = "ce_source";
    static final String TYPE = "ce_type";
    static final String TIME = "ce_time";
    static final String SUBJECT = "ce_subject";
    static final String DATASCHEMA = "ce_dataschema";
    static final String CONTENT_TYPE = "content-type";
    static final String PARTITIONKEY = "ce_partitionkey";
    private static final byte[] SPEC_1_0 = "1.0".getBytes(StandardCharsets.UTF_8);

    private CloudEventsBinaryMapping() {}

    // values that usually repeat from one record to the next: their bytes (publishing) and strings (reading) are reused
    private static final RepeatedText SOURCE_OUT = new RepeatedText(), TYPE_OUT = new RepeatedText(),
            CONTENT_TYPE_OUT = new RepeatedText(), DATASCHEMA_OUT = new RepeatedText();
    private static final RepeatedText SPEC_IN = new RepeatedText(), SOURCE_IN = new RepeatedText(), TYPE_IN = new RepeatedText(),
            CONTENT_TYPE_IN = new RepeatedText(), DATASCHEMA_IN = new RepeatedText();

    /** The record headers for {@code m}. */
    public static Headers headers(Message m) {
        RecordHeaders h = new RecordHeaders();
        h.add(SPECVERSION, SPEC_1_0);
        h.add(ID, utf8(m.id()));
        h.add(SOURCE, SOURCE_OUT.encode(m.source()));
        h.add(TYPE, TYPE_OUT.encode(m.type()));
        h.add(TIME, dev.omnibus.internal.Timestamps.formatAscii(m.time()));
        if (m.subject() != null) h.add(SUBJECT, utf8(m.subject()));
        if (m.dataSchema() != null) h.add(DATASCHEMA, DATASCHEMA_OUT.encode(m.dataSchema()));
        if (m.dataContentType() != null) h.add(CONTENT_TYPE, CONTENT_TYPE_OUT.encode(m.dataContentType()));
        for (Map.Entry<String, String> e : m.extensions().entrySet()) h.add(headerName(e.getKey()), utf8(e.getValue()));
        return h;
    }

    /** {@code ce_<extension>} header names, built once per name. */
    private static final NameCache HEADER_NAMES = NameCache.of(extension -> PREFIX + extension);

    private static String headerName(String extension) { return HEADER_NAMES.get(extension); }

    /** {@code ce_<name>} header name to extension name, the reverse of {@link #headerName}. */
    private static final NameCache EXTENSION_NAMES = NameCache.of(header -> header.substring(PREFIX.length()));

    private static String extensionName(String header) { return EXTENSION_NAMES.get(header); }

    /** The record key: the {@code partitionkey}, or {@code null}. */
    public static byte[] key(Message m) {
        String k = m.key();
        return k == null ? null : utf8(k);
    }

    /** The record value: the data, or {@code null} for an event without data and content type. */
    public static byte[] value(Message m) {
        return m.dataSize() == 0 && m.dataContentType() == null ? null : dev.omnibus.spi.Payloads.array(m);
    }

    /** Decodes a record; throws {@link InvalidEnvelopeException} with the raw value and headers when it is not a binary-mode CloudEvent. */
    public static Message decode(ConsumerRecord<byte[], byte[]> record) {
        // one pass over the headers (each lastHeader() is a scan: five of them were a third of the decoding time)
        String spec = null, id = null, source = null, type = null, time = null, subject = null, dataSchema = null;
        String contentType = null, plainContentType = null; // the last of content-type / ce_datacontenttype wins
        List<String> extensions = null; // name, value, name, value...
        boolean keyHeader = false;
        for (Header h : record.headers()) {
            String name = h.key();
            if (name.equals(CONTENT_TYPE)) { contentType = plainContentType = text(h, CONTENT_TYPE_IN); continue; }
            if (!name.startsWith(PREFIX)) continue;
            switch (name) {
                case SPECVERSION -> spec = text(h, SPEC_IN);
                case ID -> id = text(h);
                case SOURCE -> source = text(h, SOURCE_IN);
                case TYPE -> type = text(h, TYPE_IN);
                case TIME -> time = text(h);
                case SUBJECT -> subject = text(h);
                case DATASCHEMA -> dataSchema = text(h, DATASCHEMA_IN);
                case "ce_datacontenttype" -> contentType = text(h, CONTENT_TYPE_IN);
                default -> {
                    if (name.equals(PARTITIONKEY)) keyHeader = true;
                    if (extensions == null) extensions = new ArrayList<>(8);
                    extensions.add(name);
                    extensions.add(text(h));
                }
            }
        }
        if (spec == null || id == null || source == null || type == null) {
            if (plainContentType != null && StructuredCloudEvents.isStructured(plainContentType)) {
                return StructuredCloudEvents.decode(record.value(), key(record), headerMap(record.headers()), "topic " + record.topic()
                        + ", partition " + record.partition() + ", offset " + record.offset());
            }
            List<String> missing = new ArrayList<>();
            if (spec == null) missing.add(SPECVERSION);
            if (id == null) missing.add(ID);
            if (source == null) missing.add(SOURCE);
            if (type == null) missing.add(TYPE);
            throw invalid(record, "Not a CloudEvents binary-mode record: required header(s) " + missing + " missing");
        }
        if (!"1.0".equals(spec)) throw invalid(record, "Unsupported CloudEvents specversion '" + spec + "'; Omnibus reads 1.0");
        try {
            Message.Builder b = Message.builder().id(id).source(source).type(type).subject(subject).dataSchema(dataSchema);
            if (time != null) b.time(parseTime(time));
            if (extensions != null) {
                for (int k = 0; k < extensions.size(); k += 2) {
                    b.extension(extensionName(extensions.get(k)), extensions.get(k + 1));
                }
            }
            if (!keyHeader && record.key() != null) b.key(new String(record.key(), StandardCharsets.UTF_8));
            dev.omnibus.spi.Payloads.adopt(b, record.value(), contentType);
            return b.build();
        } catch (IllegalArgumentException | InvalidMessageException | DateTimeParseException e) {
            throw invalid(record, "Malformed CloudEvents header: " + e.getMessage());
        }
    }

    /** The ordering key of a record: its Kafka key, else its {@code ce_partitionkey} header, else {@code null}. */
    public static String key(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() != null) return new String(record.key(), StandardCharsets.UTF_8);
        Header h = record.headers().lastHeader(PARTITIONKEY);
        return h == null ? null : text(h);
    }

    /** Wire size estimate, an upper bound of what Kafka counts against {@code max.message.bytes} for a one-record batch. */
    public static long estimatedSize(byte[] key, byte[] value, Headers headers) {
        long size = 61 + 21; // record batch header + record framing (varints at their widest)
        if (key != null) size += key.length;
        if (value != null) size += value.length;
        for (Header h : headers) size += 10 + h.key().length() + (h.value() == null ? 0 : h.value().length);
        return size;
    }

    static Map<String, String> headerMap(Headers headers) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Header h : headers) m.put(h.key(), text(h));
        return m;
    }

    private static InvalidEnvelopeException invalid(ConsumerRecord<byte[], byte[]> r, String reason) {
        return new InvalidEnvelopeException(reason + " (topic " + r.topic() + ", partition " + r.partition() + ", offset "
                + r.offset() + ")", r.value(), headerMap(r.headers()));
    }

    private static Instant parseTime(String value) {
        return dev.omnibus.internal.Timestamps.parse(value);
    }

    private static String text(Header h) {
        return h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String text(Header h, RepeatedText repeated) {
        return h.value() == null ? "" : repeated.decode(h.value());
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
