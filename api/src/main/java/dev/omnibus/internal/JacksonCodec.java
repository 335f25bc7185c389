package dev.omnibus.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.omnibus.Codec;
import dev.omnibus.CodecException;

import java.io.IOException;

/** JSON codec on Jackson. java.time types are supported when jackson-datatype-jsr310 is on the class path. */
public final class JacksonCodec implements Codec {
    public static final JacksonCodec DEFAULT = new JacksonCodec(defaultMapper());

    private final ObjectMapper mapper;

    public JacksonCodec(ObjectMapper mapper) { this.mapper = mapper; }

    private static ObjectMapper defaultMapper() {
        ObjectMapper m = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
        m.findAndRegisterModules();
        return m;
    }

    @Override public String contentType() { return "application/json"; }

    @Override
    public byte[] encode(Object payload) {
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new CodecException("Cannot encode " + (payload == null ? "null" : payload.getClass().getName())
                    + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new CodecException("Cannot decode JSON payload as " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
