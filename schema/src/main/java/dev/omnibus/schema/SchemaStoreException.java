package dev.omnibus.schema;

import dev.omnibus.OmnibusException;

/**
 * The registry's store could not answer (database error, HTTP failure, unexpected response). Transient as
 * far as Omnibus knows: a consumer handler that meets it fails the attempt and is retried per its policy,
 * rather than dead-lettering the message.
 */
public class SchemaStoreException extends OmnibusException {
    public SchemaStoreException(String message, Throwable cause) { super(message, cause); }
}
