package dev.omnibus.jdbc;

import dev.omnibus.Delivery;

import java.sql.Connection;

/**
 * A handler whose effect is SQL on the given {@link Connection}, inside a transaction opened for this
 * delivery that already holds the message's idempotency claim. Do not commit, roll back or close the
 * connection: returning normally commits the claim and the effect together; throwing rolls both back
 * and the subscription's retry policy applies.
 */
@FunctionalInterface
public interface TransactionalHandler {
    void handle(Delivery delivery, Connection connection) throws Exception;
}
