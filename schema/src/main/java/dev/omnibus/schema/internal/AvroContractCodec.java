package dev.omnibus.schema.internal;

import dev.omnibus.schema.InvalidPayloadException;
import dev.omnibus.schema.RegisteredSchema;
import dev.omnibus.schema.SchemaFormat;
import dev.omnibus.schema.SchemaViolationException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Avro payloads, generic ({@link GenericRecord}) or specific (generated classes), in Avro's binary
 * ({@code avro/binary}) or JSON ({@code avro/json}) encoding. Decoding resolves the writer's schema into the
 * reader's (Avro schema resolution: defaults for added fields, removed fields skipped, promotions).
 */
public final class AvroContractCodec<T> implements ContractCodec<T> {
    /** Content type of Avro's binary encoding. */
    public static final String BINARY = "avro/binary";
    /** Content type of Avro's JSON encoding. */
    public static final String JSON = "avro/json";
    private static final Map<String, Schema> PARSED = new ConcurrentHashMap<>();

    private final Class<T> specific; // null = generic records
    private final boolean json;

    public AvroContractCodec(Class<T> specific, boolean json) {
        this.specific = specific;
        this.json = json;
    }

    @Override public SchemaFormat format() { return SchemaFormat.AVRO; }
    @Override public String contentType() { return json ? JSON : BINARY; }

    static Schema parse(RegisteredSchema s) { return PARSED.computeIfAbsent(s.definition().canonical(), Parsed::avro); }

    @Override
    public byte[] encode(T value, RegisteredSchema schema) {
        Schema avro = parse(schema);
        if (value == null) throw new SchemaViolationException(schema.subject(), schema.version(), List.of("payload is null"));
        DatumWriter<T> writer = specific != null ? new SpecificDatumWriter<>(avro) : new GenericDatumWriter<>(avro);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Encoder enc = json ? EncoderFactory.get().jsonEncoder(avro, out) : EncoderFactory.get().binaryEncoder(out, null);
            writer.write(value, enc);
            enc.flush();
        } catch (IOException | RuntimeException e) {
            throw new SchemaViolationException(schema.subject(), schema.version(), List.of(String.valueOf(e.getMessage())));
        }
        return out.toByteArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T decode(byte[] data, String contentType, RegisteredSchema writer, RegisteredSchema reader, UnaryOperator<Object> upcaster) {
        boolean jsonData;
        if (contentType == null || contentType.equals(BINARY) || contentType.equals("application/avro")) jsonData = false;
        else if (contentType.equals(JSON)) jsonData = true;
        else throw new InvalidPayloadException("Content type '" + contentType + "' is not Avro (" + BINARY + " or " + JSON + ")", null);
        Schema w = parse(writer), r = parse(reader);
        try {
            if (upcaster == null) {
                DatumReader<T> dr = specific != null ? new SpecificDatumReader<>(w, r) : new GenericDatumReader<>(w, r);
                return dr.read(null, decoder(w, data, jsonData));
            }
            GenericRecord asWritten = new GenericDatumReader<GenericRecord>(w, w).read(null, decoder(w, data, jsonData));
            Object up = upcaster.apply(asWritten);
            if (!GenericData.get().validate(r, up)) {
                throw new SchemaViolationException(reader.subject(), reader.version(),
                        List.of("the upcaster from v" + writer.version() + " returned a record that does not match " + r.getFullName()));
            }
            return specific != null ? (T) SpecificData.get().deepCopy(r, up) : (T) up;
        } catch (IOException | AvroRuntimeException | ClassCastException e) {
            throw new InvalidPayloadException("Cannot decode Avro data written with " + writer.subject() + " v" + writer.version()
                    + " as v" + reader.version() + ": " + e.getMessage(), e);
        }
    }

    private static Decoder decoder(Schema writer, byte[] data, boolean json) throws IOException {
        return json ? DecoderFactory.get().jsonDecoder(writer, new String(data, StandardCharsets.UTF_8))
                : DecoderFactory.get().binaryDecoder(data, null);
    }
}
