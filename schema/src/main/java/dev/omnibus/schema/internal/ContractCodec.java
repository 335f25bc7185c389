package dev.omnibus.schema.internal;

import dev.omnibus.schema.RegisteredSchema;
import dev.omnibus.schema.SchemaFormat;

import java.util.function.UnaryOperator;

/**
 * Encodes and decodes one event type's payloads against registered schemas.
 *
 * @param <T> the application's payload type
 */
public interface ContractCodec<T> {
    SchemaFormat format();

    /** The {@code datacontenttype} written. */
    String contentType();

    /** Validates {@code value} against {@code schema} and encodes it; {@code SchemaViolationException} when invalid. */
    byte[] encode(T value, RegisteredSchema schema);

    /**
     * Decodes data written with {@code writer} into the shape of {@code reader}. With an {@code upcaster} the
     * payload is first decoded as the writer wrote it, handed to the upcaster, and its result must match the
     * reader's schema; without one, the format's schema resolution applies (Avro resolution, JSON defaults).
     * Throws {@code SchemaViolationException} or {@code InvalidPayloadException} when the data cannot be read.
     */
    T decode(byte[] data, String contentType, RegisteredSchema writer, RegisteredSchema reader, UnaryOperator<Object> upcaster);
}
