package dev.omnibus.jdbc;

import dev.omnibus.ConfigurationException;
import dev.omnibus.MessageHandler;
import dev.omnibus.idempotency.IdempotencyStore;
import dev.omnibus.jdbc.internal.SchemaScript;
import dev.omnibus.jdbc.internal.TableName;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * A durable {@link IdempotencyStore} in a PostgreSQL table keyed by (consumer group, message id):
 * shared by every consumer instance that uses the same table, and it survives restarts.
 *
 * <ul>
 *   <li>{@link #claim}: {@code INSERT … ON CONFLICT DO NOTHING} of an {@code IN_PROGRESS} row, except that
 *       an {@code IN_PROGRESS} row whose {@code expires_at} has passed (its consumer is presumed dead after
 *       {@code claimTimeout}) is taken over in the same statement. Answers CLAIMED, ALREADY_DONE (a DONE row
 *       exists) or IN_PROGRESS (a live claim of another consumer exists). Atomic across every consumer.</li>
 *   <li>{@link #complete}: the row becomes {@code DONE}.</li>
 *   <li>{@link #release}: the {@code IN_PROGRESS} row is deleted (a DONE row is never released).</li>
 *   <li>{@link #prune}: deletes DONE rows completed longer ago than a retention, and dead claims. Keep the
 *       retention longer than the longest time the broker may redeliver or a producer may republish.</li>
 * </ul>
 *
 * The claim and the handler's effect are separate commits here: a process that dies after its effect
 * and before {@link #complete} repeats the effect when the claim expires. When the effect is SQL in the
 * same database, use {@link #transactional(TransactionalHandler)} instead: claim and effect commit together.
 *
 * <p>Timestamps come from the database clock ({@code now()}), so instances need not agree on time.
 * Thread-safe; every call borrows a connection from the {@link DataSource} (autocommit).
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).table("omnibus_idempotency").build();
 * store.createSchema();
 * bus.subscribe("orders", SubscribeOptions.group("billing").idempotency(store), handler);
 * }</pre>
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {
    /** Default table name. */
    public static final String DEFAULT_TABLE = "omnibus_idempotency";
    /** Default time after which another consumer may take over an in-progress claim. */
    public static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofMinutes(5);

    private final DataSource dataSource;
    private final TableName table;
    private final Duration claimTimeout;
    private final String claimSql;
    private final String stateSql;
    private final String completeSql;
    private final String releaseSql;
    private final String pruneSql;
    private final String claimInTransactionSql;

    private JdbcIdempotencyStore(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.claimTimeout = b.claimTimeout;
        String t = table.qualified();
        this.claimSql = "INSERT INTO " + t + " AS i (consumer_group, message_id, state, claimed_at, expires_at)"
                + " VALUES (?, ?, 'IN_PROGRESS', now(), now() + make_interval(secs => ?))"
                + " ON CONFLICT (consumer_group, message_id) DO UPDATE"
                + " SET claimed_at = now(), expires_at = EXCLUDED.expires_at, completed_at = NULL"
                + " WHERE i.state = 'IN_PROGRESS' AND i.expires_at < now()";
        this.stateSql = "SELECT state FROM " + t + " WHERE consumer_group = ? AND message_id = ?";
        this.completeSql = "INSERT INTO " + t + " AS i (consumer_group, message_id, state, claimed_at, expires_at, completed_at)"
                + " VALUES (?, ?, 'DONE', now(), NULL, now())"
                + " ON CONFLICT (consumer_group, message_id) DO UPDATE"
                + " SET state = 'DONE', expires_at = NULL, completed_at = now()";
        this.releaseSql = "DELETE FROM " + t + " WHERE consumer_group = ? AND message_id = ? AND state = 'IN_PROGRESS'";
        this.pruneSql = "DELETE FROM " + t + " WHERE (state = 'DONE' AND completed_at < now() - make_interval(secs => ?))"
                + " OR (state = 'IN_PROGRESS' AND expires_at < now() - make_interval(secs => ?))";
        this.claimInTransactionSql = "INSERT INTO " + t
                + " AS i (consumer_group, message_id, state, claimed_at, expires_at, completed_at)"
                + " VALUES (?, ?, 'DONE', now(), NULL, now())"
                + " ON CONFLICT (consumer_group, message_id) DO UPDATE"
                + " SET state = 'DONE', claimed_at = now(), expires_at = NULL, completed_at = now()"
                + " WHERE i.state = 'IN_PROGRESS' AND i.expires_at < now()";
    }

    /** A builder for a store on {@code dataSource}. */
    public static Builder builder(DataSource dataSource) { return new Builder(dataSource); }

    /** A store with the default table and claim timeout. */
    public static JdbcIdempotencyStore create(DataSource dataSource) { return builder(dataSource).build(); }

    /** The table, as used in SQL. */
    public String table() { return table.qualified(); }

    /** How long an in-progress claim lives before another consumer may take it over. */
    public Duration claimTimeout() { return claimTimeout; }

    /**
     * Creates the table and its indexes if they do not exist, from the {@code idempotency} section of
     * the shipped script {@code dev/omnibus/jdbc/schema-postgresql.sql}. Safe to call on every start.
     */
    public JdbcIdempotencyStore createSchema() {
        try (Connection c = dataSource.getConnection()) {
            SchemaScript.apply(c, "idempotency", table);
            return this;
        } catch (SQLException e) {
            throw failure("create the idempotency table", e);
        }
    }

    @Override
    public Claim claim(String group, String messageId) {
        String g = groupKey(group);
        Objects.requireNonNull(messageId, "messageId");
        try (Connection c = dataSource.getConnection()) {
            for (int round = 0; round < 3; round++) {
                try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                    ps.setString(1, g);
                    ps.setString(2, messageId);
                    ps.setDouble(3, claimTimeout.toMillis() / 1000.0);
                    if (ps.executeUpdate() == 1) return Claim.CLAIMED;
                }
                String state = state(c, g, messageId);
                if ("DONE".equals(state)) return Claim.ALREADY_DONE;
                if ("IN_PROGRESS".equals(state)) return Claim.IN_PROGRESS;
                // released between the two statements: try again
            }
            return Claim.IN_PROGRESS;
        } catch (SQLException e) {
            throw failure("claim (" + g + ", " + messageId + ")", e);
        }
    }

    @Override
    public void complete(String group, String messageId) {
        update(completeSql, "complete", group, messageId);
    }

    @Override
    public void release(String group, String messageId) {
        update(releaseSql, "release", group, messageId);
    }

    /**
     * Deletes DONE rows completed more than {@code olderThan} ago, and in-progress claims that expired more
     * than {@code olderThan} ago. Returns the number of rows deleted. A message whose row was pruned is
     * processed again if it is delivered again.
     */
    public int prune(Duration olderThan) {
        requirePositive("olderThan", olderThan);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(pruneSql)) {
            ps.setDouble(1, olderThan.toMillis() / 1000.0);
            ps.setDouble(2, olderThan.toMillis() / 1000.0);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("prune", e);
        }
    }

    /**
     * Runs {@link #prune prune(retention)} every {@code interval} on a daemon thread until the returned
     * handle is closed. Failures are logged and the next run goes ahead.
     */
    public ScheduledPruning schedulePruning(Duration interval, Duration retention) {
        requirePositive("retention", retention);
        return ScheduledPruning.start("omnibus-idempotency-pruner-" + table.name(), interval, () -> prune(retention));
    }

    /**
     * A handler that claims each delivery inside the transaction that runs {@code handler}'s SQL, so the
     * claim and the effect commit or roll back together. Do not also pass this store to
     * {@code SubscribeOptions.idempotency(...)} for the same subscription: the transactional claim replaces it.
     *
     * @see JdbcIdempotency#transactional(DataSource, String, TransactionalHandler)
     */
    public MessageHandler transactional(TransactionalHandler handler) {
        return new dev.omnibus.jdbc.internal.TransactionalDelivery(dataSource, this, handler);
    }

    /**
     * Claims (group, messageId) as DONE inside the caller's open transaction on {@code connection}: true when
     * this transaction now owns it (the row commits or rolls back with the transaction), false when it was
     * completed before (the caller should roll back and skip). Blocks while another open transaction holds
     * an uncommitted claim of the same message, then answers by its outcome. Throws
     * {@link ClaimInProgressException} when a non-transactional consumer holds a live claim.
     */
    public boolean claimInTransaction(Connection connection, String group, String messageId) throws SQLException {
        String g = groupKey(group);
        try (PreparedStatement ps = connection.prepareStatement(claimInTransactionSql)) {
            ps.setString(1, g);
            ps.setString(2, messageId);
            if (ps.executeUpdate() == 1) return true;
        }
        String state = state(connection, g, messageId);
        if ("DONE".equals(state)) return false;
        throw new ClaimInProgressException(table.qualified(), g, messageId);
    }

    private String state(Connection c, String group, String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(stateSql)) {
            ps.setString(1, group);
            ps.setString(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void update(String sql, String what, String group, String messageId) {
        String g = groupKey(group);
        Objects.requireNonNull(messageId, "messageId");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, g);
            ps.setString(2, messageId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(what + " (" + g + ", " + messageId + ")", e);
        }
    }

    private JdbcStorageException failure(String what, SQLException e) {
        return new JdbcStorageException("Idempotency store could not " + what + " in table " + table.qualified()
                + " (SQL state " + e.getSQLState() + "): " + e.getMessage()
                + ("42P01".equals(e.getSQLState()) ? "; create it with createSchema() or the script "
                + SchemaScript.RESOURCE : ""), e);
    }

    private static String groupKey(String group) { return group == null ? "" : group; }

    static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new ConfigurationException(key, d, "a positive duration");
    }

    @Override
    public String toString() { return "JdbcIdempotencyStore{table=" + table + ", claimTimeout=" + claimTimeout + "}"; }

    /** Options of a {@link JdbcIdempotencyStore}. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private TableName table = TableName.parse("table", DEFAULT_TABLE);
        private Duration claimTimeout = DEFAULT_CLAIM_TIMEOUT;

        private Builder(DataSource dataSource) { this.dataSource = Objects.requireNonNull(dataSource, "dataSource"); }

        /** Table name, {@code table} or {@code schema.table} (plain identifiers only); default {@code omnibus_idempotency}. */
        public Builder table(String table) { this.table = TableName.parse("table", table); return this; }

        /** How long a claim lives before another consumer may take it over; default 5 minutes. */
        public Builder claimTimeout(Duration claimTimeout) {
            requirePositive("claimTimeout", claimTimeout);
            this.claimTimeout = claimTimeout;
            return this;
        }

        public JdbcIdempotencyStore build() { return new JdbcIdempotencyStore(this); }
    }
}
