package dev.omnibus.schema;

import dev.omnibus.OmnibusException;

/** A schema text does not parse as its format, or a schema file or folder is not laid out as expected. */
public class InvalidSchemaException extends OmnibusException {
    public InvalidSchemaException(String message) { super(message); }
    public InvalidSchemaException(String message, Throwable cause) { super(message, cause); }
}
