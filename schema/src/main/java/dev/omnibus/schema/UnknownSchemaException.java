package dev.omnibus.schema;

import dev.omnibus.OmnibusException;

/**
 * A schema identity that the registry does not know: an event type not registered while auto-registration
 * is off, or a {@code dataschema} naming another registry or a version that does not exist.
 */
public class UnknownSchemaException extends OmnibusException {
    public UnknownSchemaException(String message) { super(message); }
}
