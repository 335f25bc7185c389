package dev.omnibus.jdbc;

import dev.omnibus.Message;
import dev.omnibus.jdbc.internal.OutboxSql;
import dev.omnibus.jdbc.internal.SchemaScript;
import dev.omnibus.jdbc.internal.TableName;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The transactional outbox: {@link #publish} writes a message to an outbox table on the caller's
 * connection, inside the caller's transaction, so the message exists if and only if the caller's own
 * writes commit. An {@link OutboxRelay} later publishes committed rows to the broker, in order per key,
 * keeping the message id (consumers deduplicate with an idempotency store).
 *
 * <pre>{@code
 * Outbox outbox = Outbox.standard();                       // table omnibus_outbox
 * try (Connection c = dataSource.getConnection()) {
 *     c.setAutoCommit(false);
 *     insertOrder(c, order);
 *     outbox.publish(c, "orders.placed", Message.of("com.acme.OrderPlaced", order).withKey(order.id()));
 *     c.commit();                                          // order and event together, or neither
 * }
 * }</pre>
 *
 * The row stores every CloudEvents attribute in its own column (extensions as JSONB, data as BYTEA),
 * so the relay publishes exactly the Message that was written. {@code (topic, id)} is unique: writing
 * the same message id twice to one topic fails with the database's unique-violation (SQL state 23505).
 * Immutable and thread-safe.
 */
public final class Outbox {
    /** Default table name. */
    public static final String DEFAULT_TABLE = "omnibus_outbox";

    private final OutboxSql sql;

    private Outbox(TableName table) { this.sql = new OutboxSql(table); }

    /** The outbox in the default table {@code omnibus_outbox}. */
    public static Outbox standard() { return new Outbox(TableName.parse("table", DEFAULT_TABLE)); }

    /** The outbox in {@code table} ({@code table} or {@code schema.table}, plain identifiers only). */
    public static Outbox table(String table) { return new Outbox(TableName.parse("table", table)); }

    /** The table, as used in SQL. */
    public String tableName() { return sql.table().qualified(); }

    /**
     * Inserts {@code message} for {@code topic} using {@code connection}, in its current transaction (or
     * on its own when the connection is in autocommit mode). Does not commit, roll back or close.
     *
     * @throws SQLException as the driver reports it (e.g. 23505 when (topic, id) exists, 42P01 when the
     *                      table is missing: see {@link #createSchema(DataSource)})
     */
    public void publish(Connection connection, String topic, Message message) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        if (topic == null || topic.isBlank()) throw new IllegalArgumentException("topic must be a non-blank name, got '" + topic + "'");
        Objects.requireNonNull(message, "message");
        sql.insert(connection, topic, message);
    }

    /**
     * Creates the outbox table and its indexes if they do not exist, from the {@code outbox} section of
     * {@code dev/omnibus/jdbc/schema-postgresql.sql}. Safe to call on every start.
     */
    public Outbox createSchema(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            SchemaScript.apply(c, "outbox", sql.table());
            return this;
        } catch (SQLException e) {
            throw new JdbcStorageException("Could not create the outbox table " + tableName() + " (SQL state "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    OutboxSql sql() { return sql; }

    @Override
    public String toString() { return "Outbox{table=" + tableName() + "}"; }
}
