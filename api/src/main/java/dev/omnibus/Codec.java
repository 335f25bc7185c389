package dev.omnibus;

import dev.omnibus.internal.JacksonCodec;

/**
 * Turns payload objects into bytes and back. The default is JSON on Jackson ({@link #json()}); supply
 * another (Avro, Protobuf, …) per message with {@link Message#of(String, Object, Codec)}.
 */
public interface Codec {
    /** The {@code datacontenttype} this codec writes, e.g. {@code application/json}. */
    String contentType();

    /**
     * Encodes a payload; throws {@link CodecException} naming the type when it cannot. The message takes the
     * returned array as its payload without copying it ({@link Message.Builder#wrapData}), so return an array
     * nothing changes afterwards (a fresh one, or a shared one that is never written).
     */
    byte[] encode(Object payload);

    /** Decodes bytes into {@code type}; throws {@link CodecException} naming the type when it cannot. */
    <T> T decode(byte[] bytes, Class<T> type);

    /** The shared JSON codec (Jackson, java.time support, unknown properties ignored). */
    static Codec json() { return JacksonCodec.DEFAULT; }
}
