package dev.omnibus.jdbc;

import dev.omnibus.OmnibusException;

/**
 * A database operation of the JDBC idempotency store, outbox or relay failed. The message names the
 * operation and the table; the cause is the driver's {@link java.sql.SQLException} (with its SQL state).
 */
public class JdbcStorageException extends OmnibusException {
    public JdbcStorageException(String message, Throwable cause) { super(message, cause); }
}
