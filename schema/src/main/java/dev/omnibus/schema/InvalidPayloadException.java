package dev.omnibus.schema;

import dev.omnibus.OmnibusException;

/**
 * A payload cannot be decoded with the schema and content type its message names (corrupt bytes, a content
 * type the event type does not read). On the consumer side it dead-letters the message with this reason.
 */
public class InvalidPayloadException extends OmnibusException {
    public InvalidPayloadException(String message, Throwable cause) { super(message, cause); }
}
