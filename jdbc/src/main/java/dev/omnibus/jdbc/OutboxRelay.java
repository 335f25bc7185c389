package dev.omnibus.jdbc;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Messaging;
import dev.omnibus.jdbc.internal.OutboxSql;
import dev.omnibus.jdbc.internal.OutboxSql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the committed rows of an {@link Outbox} table through a {@link Messaging} instance (any
 * driver) and marks them sent.
 *
 * <p>One batch, in one database transaction: select up to {@code batchSize} pending rows
 * {@code ORDER BY seq FOR UPDATE SKIP LOCKED}; publish them, one key's rows one after the other (the next
 * publish of a key starts when the broker confirmed the previous one; different keys and key-less rows
 * go in parallel); once the publish futures completed, set {@code sent_at} on the rows the broker
 * confirmed and commit. A failed publish stops that key for this batch (its later rows wait for the next
 * batch); rows whose publish did not complete within {@code publishTimeout} stay pending.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>At-least-once: every committed row is published; a row rolled back by its writer never exists.
 *       A relay that dies after publishing and before its commit (process killed, connection lost) leaves
 *       the rows pending, so they are published again, with the same message id: consumers remove the
 *       duplicates with an idempotency store.</li>
 *   <li>Order per key, also with several relay instances: a relay publishes a key's rows only from the
 *       key's oldest pending row on, without gaps; when an older pending row of the key is not in its batch
 *       (locked by another relay, or beyond the batch), it leaves that key's rows for later. Order is seq
 *       order (the order of the inserts); two writers that insert rows of one key in concurrent
 *       transactions without serializing on a common row have no defined order between them.</li>
 *   <li>Several relays share the work: SKIP LOCKED gives each one different rows; none is published twice
 *       unless a relay dies between publish and commit.</li>
 * </ul>
 *
 * <p>The relay runs on one daemon thread and keeps one connection of the {@link DataSource} for its
 * batches (replaced after any error). A full batch is followed at once by the next, otherwise it waits
 * {@code pollInterval}. A failed batch is rolled back, logged and retried after a backoff (poll interval,
 * at least 500 ms, doubling, at most 30 s). A row the broker rejects permanently, or that cannot be read
 * back as a message, stays pending and holds back the later rows of its key (see {@link #backlog()}).
 * {@link #close()} stops polling and lets a running batch finish (bounded by {@code publishTimeout});
 * it does not close the {@link Messaging} instance. A publisher other than {@code Messaging} can be
 * given as an {@link OutboxPublisher}.
 *
 * <pre>{@code
 * try (OutboxRelay relay = OutboxRelay.builder(bus, dataSource).batchSize(200)
 *         .pollInterval(Duration.ofMillis(100)).start()) { ... }
 * }</pre>
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxPublisher publisher;
    private final DataSource dataSource;
    private final OutboxSql sql;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration publishTimeout;
    private final Duration pruneSentAfter;
    private final String name;
    private final ScheduledExecutorService executor;
    private final AtomicLong published = new AtomicLong();
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private volatile boolean closed;
    private int consecutiveFailures; // relay thread only
    private Connection connection; // guarded by this
    private long lastPruneNanos = System.nanoTime();

    private OutboxRelay(Builder b) {
        this.publisher = b.publisher;
        this.dataSource = b.dataSource;
        this.sql = b.outbox.sql();
        this.batchSize = b.batchSize;
        this.pollInterval = b.pollInterval;
        this.publishTimeout = b.publishTimeout;
        this.pruneSentAfter = b.pruneSentAfter;
        this.name = b.name;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibus-outbox-relay-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder for a relay publishing through {@code messaging} the rows of the outbox in {@code dataSource}. */
    public static Builder builder(Messaging messaging, DataSource dataSource) {
        Objects.requireNonNull(messaging, "messaging");
        return new Builder(messaging::publish, dataSource);
    }

    /** A builder for a relay publishing through {@code publisher} (e.g. a decorated {@code messaging::publish}). */
    public static Builder builder(OutboxPublisher publisher, DataSource dataSource) { return new Builder(publisher, dataSource); }

    private OutboxRelay start() {
        executor.execute(this::loop);
        return this;
    }

    private void loop() {
        if (closed) return;
        long delayMillis = pollInterval.toMillis();
        try {
            int n = relayOnce();
            consecutiveFailures = 0;
            if (n >= batchSize) delayMillis = 0;
            maybePrune();
        } catch (RuntimeException e) {
            consecutiveFailures++;
            // back off while the database or broker is down: poll interval (at least 500 ms), doubling, at most 30 s
            long base = Math.max(pollInterval.toMillis(), 500);
            delayMillis = Math.min(MAX_BACKOFF_MILLIS, base << Math.min(consecutiveFailures - 1, 16));
            log.warn("Outbox relay {} on {}: batch failed ({} in a row), retrying in {} ms: {}", name, sql.table(),
                    consecutiveFailures, delayMillis, e.toString());
        }
        if (!closed) {
            try {
                executor.schedule(this::loop, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    /**
     * Relays one batch now, on the calling thread, and returns the number of rows published and marked
     * sent. Usable without {@link Builder#start()} (e.g. from your own scheduler).
     *
     * @throws JdbcStorageException when the database fails (the batch is rolled back; rows stay pending)
     */
    public synchronized int relayOnce() {
        Connection c = null;
        try {
            c = connection();
            try (Statement st = c.createStatement()) {
                // losing a "sent" mark in a database crash only means a duplicate publish: no need to wait for the flush
                st.execute("SET LOCAL synchronous_commit = off");
            }
            int n = relayBatch(c);
            c.commit();
            return n;
        } catch (SQLException e) {
            discard(c, e);
            throw new JdbcStorageException("Outbox relay " + name + " could not relay a batch from " + sql.table()
                    + " (SQL state " + e.getSQLState() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(c, e);
            throw e;
        } catch (InterruptedException e) {
            discard(c, e);
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The relay's own connection, kept across batches (one physical connection per relay). */
    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            try {
                tagConnection(c);
                c.setAutoCommit(false);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /** Rolls back and drops the connection after a failure; the next batch opens a fresh one. */
    private void discard(Connection c, Exception failure) {
        if (c == null) return;
        connection = null;
        try {
            if (!c.isClosed()) c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    private int relayBatch(Connection c) throws SQLException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.selectPending())) {
            ps.setInt(1, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        rows.add(OutboxSql.read(rs));
                    } catch (RuntimeException unreadable) {
                        // e.g. a row written by hand with an invalid attribute: it stays pending (visible in the
                        // backlog) and, by the gap rule, holds back the later rows of its key
                        log.error("Outbox relay {}: row seq={} of {} is not a valid message and is skipped: {}", name,
                                rs.getLong("seq"), sql.table(), unreadable.toString());
                    }
                }
            }
        }
        if (rows.isEmpty()) return 0;

        // Chains: one per key (in seq order), one per key-less row.
        Map<String, List<Row>> byKey = new LinkedHashMap<>();
        List<List<Row>> chains = new ArrayList<>();
        for (Row r : rows) {
            if (r.key() == null) chains.add(List.of(r));
            else byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        Map<String, List<Row>> publishable = withoutGaps(c, byKey);
        chains.addAll(publishable.values());

        ConcurrentLinkedQueue<Long> confirmed = new ConcurrentLinkedQueue<>();
        AtomicBoolean batchOver = new AtomicBoolean();
        List<CompletableFuture<Void>> running = new ArrayList<>(chains.size());
        for (List<Row> chain : chains) running.add(publishChain(chain, 0, confirmed, batchOver));
        CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
        try {
            all.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            log.warn("Outbox relay {}: some publishes failed; their rows stay pending: {}", name, e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("Outbox relay {}: publishes still unconfirmed after {}; those rows stay pending", name, publishTimeout);
        }
        batchOver.set(true); // a chain still waiting for a confirmation publishes nothing more
        List<Long> done = new ArrayList<>(confirmed);
        if (!done.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(sql.markSent())) {
                ps.setArray(1, c.createArrayOf("bigint", done.toArray(Long[]::new)));
                ps.executeUpdate();
            }
        }
        return done.size();
    }

    /**
     * Keeps, for each key, only the batch rows from the key's oldest pending row on without a gap: a
     * pending row of the key outside this batch stops the key there (another relay owns it, or it lies
     * beyond the batch).
     */
    private Map<String, List<Row>> withoutGaps(Connection c, Map<String, List<Row>> byKey) throws SQLException {
        if (byKey.isEmpty()) return byKey;
        long maxSeq = 0;
        for (List<Row> l : byKey.values()) maxSeq = Math.max(maxSeq, l.get(l.size() - 1).seq());
        Map<String, List<Long>> pending = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.pendingOfKeys())) {
            ps.setArray(1, c.createArrayOf("text", byKey.keySet().toArray(String[]::new)));
            ps.setLong(2, maxSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) pending.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
            }
        }
        Map<String, List<Row>> out = new LinkedHashMap<>();
        byKey.forEach((key, mine) -> {
            List<Long> all = pending.getOrDefault(key, List.of());
            List<Row> keep = new ArrayList<>();
            int i = 0;
            for (Long seq : all) {
                if (i < mine.size() && mine.get(i).seq() == seq) keep.add(mine.get(i++));
                else if (i < mine.size() && seq < mine.get(i).seq()) break; // older pending row not ours: gap
                // seq > our next row cannot happen: our rows are pending and <= maxSeq
            }
            if (keep.size() < mine.size() && log.isDebugEnabled()) {
                log.debug("Outbox relay {}: deferring {} row(s) of key {} behind an older pending row", name,
                        mine.size() - keep.size(), key);
            }
            if (!keep.isEmpty()) out.put(key, keep);
        });
        return out;
    }

    private CompletableFuture<Void> publishChain(List<Row> chain, int index, ConcurrentLinkedQueue<Long> confirmed,
                                                 AtomicBoolean batchOver) {
        if (index >= chain.size() || batchOver.get()) return CompletableFuture.completedFuture(null);
        Row row = chain.get(index);
        CompletableFuture<?> f;
        try {
            f = publisher.publish(row.topic(), row.message());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return f.thenCompose(receipt -> {
            confirmed.add(row.seq());
            published.incrementAndGet();
            return publishChain(chain, index + 1, confirmed, batchOver);
        });
    }

    private void maybePrune() {
        if (pruneSentAfter == null) return;
        long now = System.nanoTime();
        if (now - lastPruneNanos < Math.min(pruneSentAfter.toNanos(), Duration.ofMinutes(1).toNanos())) return;
        lastPruneNanos = now;
        prune(pruneSentAfter);
    }

    /** Deletes rows sent more than {@code olderThan} ago; returns how many. */
    public int prune(Duration olderThan) {
        JdbcIdempotencyStore.requirePositive("olderThan", olderThan);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.prune())) {
            ps.setDouble(1, olderThan.toMillis() / 1000.0);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new JdbcStorageException("Outbox relay " + name + " could not prune " + sql.table() + " (SQL state "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /** Rows not yet sent and the age of the oldest, read from the table (so it counts every relay's work). */
    public OutboxBacklog backlog() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.backlog());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long pending = rs.getLong(1);
            double seconds = rs.getDouble(2);
            return new OutboxBacklog(pending, pending == 0 ? Duration.ZERO : Duration.ofNanos((long) (seconds * 1e9)));
        } catch (SQLException e) {
            throw new JdbcStorageException("Outbox relay " + name + " could not read the backlog of " + sql.table()
                    + " (SQL state " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /** Rows this relay instance published and marked sent since it was built (a marking that was rolled back still counts). */
    public long publishedCount() { return published.get(); }

    /** The relay's name, also the suffix of its JDBC application name {@code omnibus-outbox-relay:<name>}. */
    public String name() { return name; }

    /**
     * Stops polling, waits for a running batch (bounded by the publish timeout plus 10 s) and returns the
     * relay's connection to the {@link DataSource}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(publishTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (connection != null) {
                try {
                    connection.rollback();
                    connection.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
                connection = null;
            }
        }
    }

    private void tagConnection(Connection c) {
        try {
            c.setClientInfo("ApplicationName", "omnibus-outbox-relay:" + name);
        } catch (SQLException | RuntimeException ignored) {
            // optional: only for pg_stat_activity
        }
    }

    @Override
    public String toString() {
        return "OutboxRelay{" + name + ", table=" + sql.table() + ", batchSize=" + batchSize + ", pollInterval=" + pollInterval + "}";
    }

    /** Options of an {@link OutboxRelay}. Not thread-safe. */
    public static final class Builder {
        private final OutboxPublisher publisher;
        private final DataSource dataSource;
        private Outbox outbox = Outbox.standard();
        private int batchSize = 100;
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration publishTimeout = Duration.ofSeconds(30);
        private Duration pruneSentAfter;
        private String name = Long.toString(ProcessHandle.current().pid()) + "-" + Integer.toHexString(System.identityHashCode(this));

        private Builder(OutboxPublisher publisher, DataSource dataSource) {
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The outbox to relay; default {@link Outbox#standard()}. */
        public Builder outbox(Outbox outbox) { this.outbox = Objects.requireNonNull(outbox, "outbox"); return this; }

        /** Shortcut for {@code outbox(Outbox.table(table))}. */
        public Builder table(String table) { return outbox(Outbox.table(table)); }

        /** Most rows per batch (one transaction); 1 to 10 000, default 100. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) throw new ConfigurationException("batchSize", batchSize, "an integer from 1 to 10000");
            this.batchSize = batchSize;
            return this;
        }

        /** Wait after a batch that was not full; default 100 ms. Bounds the added latency when the outbox is idle. */
        public Builder pollInterval(Duration pollInterval) {
            JdbcIdempotencyStore.requirePositive("pollInterval", pollInterval);
            this.pollInterval = pollInterval;
            return this;
        }

        /** How long a batch waits for the broker's confirmations; unconfirmed rows stay pending. Default 30 s. */
        public Builder publishTimeout(Duration publishTimeout) {
            JdbcIdempotencyStore.requirePositive("publishTimeout", publishTimeout);
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** Delete sent rows older than this (checked at most once a minute); default: never (call {@link OutboxRelay#prune}). */
        public Builder pruneSentAfter(Duration retention) {
            JdbcIdempotencyStore.requirePositive("pruneSentAfter", retention);
            this.pruneSentAfter = retention;
            return this;
        }

        /** A name for logs and the JDBC application name; default pid and a number. */
        public Builder name(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,40}")) {
                throw new ConfigurationException("name", name, "1-40 letters, digits, '.', '_' or '-'");
            }
            this.name = name;
            return this;
        }

        /** Builds the relay without starting its thread: call {@link OutboxRelay#relayOnce()} yourself. */
        public OutboxRelay build() { return new OutboxRelay(this); }

        /** Builds the relay and starts polling on its own thread. */
        public OutboxRelay start() { return new OutboxRelay(this).start(); }
    }
}
