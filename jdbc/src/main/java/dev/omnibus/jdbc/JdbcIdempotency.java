package dev.omnibus.jdbc;

import dev.omnibus.MessageHandler;

import javax.sql.DataSource;

/**
 * Effect-once consumers whose effect is SQL: the idempotency claim and the handler's statements commit
 * or roll back in one database transaction.
 *
 * <p>Per delivery the returned handler borrows a connection, begins a transaction, inserts the claim
 * ({@code INSERT … ON CONFLICT DO NOTHING} of a DONE row for (group, message id)); when no row was
 * inserted the message was completed before, so it rolls back and returns normally (the delivery is
 * acknowledged, the handler is not called). Otherwise it calls the {@link TransactionalHandler} on the
 * same connection and commits. A handler exception rolls back (no claim survives) and is rethrown, so
 * the subscription's retry and dead-letter policy apply. A process or connection that dies before the
 * commit leaves nothing behind: the broker redelivers and the next attempt claims afresh.
 *
 * <p>Two consumers handling the same message at once (a redelivery racing the first delivery on another
 * instance) serialize on the claim row: the second waits for the first transaction and then skips (first
 * committed) or proceeds (first rolled back).
 *
 * <pre>{@code
 * bus.subscribe("orders.placed", SubscribeOptions.group("billing"),
 *     JdbcIdempotency.transactional(dataSource, "omnibus_idempotency", (delivery, sql) -> {
 *         try (var ps = sql.prepareStatement("INSERT INTO invoices(order_id) VALUES (?)")) {
 *             ps.setString(1, delivery.key());
 *             ps.executeUpdate();
 *         }
 *     }));
 * }</pre>
 */
public final class JdbcIdempotency {
    private JdbcIdempotency() {}

    /** A transactional handler claiming in {@code table} (created beforehand, see {@link JdbcIdempotencyStore#createSchema()}). */
    public static MessageHandler transactional(DataSource dataSource, String table, TransactionalHandler handler) {
        return JdbcIdempotencyStore.builder(dataSource).table(table).build().transactional(handler);
    }

    /** A transactional handler claiming in the default table {@code omnibus_idempotency}. */
    public static MessageHandler transactional(DataSource dataSource, TransactionalHandler handler) {
        return transactional(dataSource, JdbcIdempotencyStore.DEFAULT_TABLE, handler);
    }
}
