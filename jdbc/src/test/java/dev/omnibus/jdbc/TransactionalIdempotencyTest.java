package dev.omnibus.jdbc;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;
import dev.omnibus.Position;
import dev.omnibus.idempotency.IdempotencyStore.Claim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transactional mode on the real PostgreSQL, handler invoked directly: the claim commits with the
 * effect or not at all, also when the connection dies between claim and commit.
 */
class TransactionalIdempotencyTest {
    static TestDatabase db;
    static String idem;
    static String effects;

    @BeforeAll
    static void setUp() {
        db = new TestDatabase();
        idem = db.table("idem_tx");
        effects = db.table("effects_tx");
        JdbcIdempotencyStore.builder(db.dataSource()).table(idem).build().createSchema();
        db.exec("CREATE TABLE " + effects + " (message_id TEXT NOT NULL, grp TEXT)");
    }

    @AfterAll
    static void tearDown() { db.close(); }

    static Delivery delivery(Message m, String group) {
        return new Delivery(m, "topic", group, Position.of("p", 0), 1, 1, Instant.now());
    }

    static void insertEffect(Delivery d, Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + effects + " (message_id, grp) VALUES (?, ?)")) {
            ps.setString(1, d.id());
            ps.setString(2, d.group());
            ps.executeUpdate();
        }
    }

    long effects(Message m) { return db.count("SELECT count(*) FROM " + effects + " WHERE message_id = '" + m.id() + "'"); }

    long claims(Message m) { return db.count("SELECT count(*) FROM " + idem + " WHERE message_id = '" + m.id() + "'"); }

    @Test
    void theSameMessageTwiceHasOneEffect() throws Exception {
        MessageHandler h = JdbcIdempotency.transactional(db.dataSource(), idem, TransactionalIdempotencyTest::insertEffect);
        Message m = Message.ofBytes("t", new byte[]{1}, null);
        h.handle(delivery(m, "g"));
        h.handle(delivery(m, "g"));
        h.handle(delivery(m.toBuilder().data(new byte[]{2}, null).build(), "g")); // republished copy, same id
        assertThat(effects(m)).isEqualTo(1);
        h.handle(delivery(m, "another-group"));
        assertThat(effects(m)).as("one effect per group").isEqualTo(2);
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(db.dataSource()).table(idem).build();
        assertThat(store.claim("g", m.id())).as("the committed claim is DONE for the plain store too").isEqualTo(Claim.ALREADY_DONE);
    }

    @Test
    void aFailingHandlerRollsBackClaimAndEffectAndRethrows() throws Exception {
        Message m = Message.ofBytes("t", new byte[0], null);
        MessageHandler failing = JdbcIdempotency.transactional(db.dataSource(), idem, (d, c) -> {
            insertEffect(d, c);
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> failing.handle(delivery(m, "g"))).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(effects(m)).isZero();
        assertThat(claims(m)).as("no claim survives a rolled-back transaction").isZero();
        JdbcIdempotency.transactional(db.dataSource(), idem, TransactionalIdempotencyTest::insertEffect).handle(delivery(m, "g"));
        assertThat(effects(m)).isEqualTo(1);
    }

    @Test
    void aConnectionKilledBetweenClaimAndCommitLeavesNoClaim() throws Exception {
        Message m = Message.ofBytes("t", new byte[0], null);
        MessageHandler crashing = JdbcIdempotency.transactional(db.dataSource(), idem, (d, c) -> {
            insertEffect(d, c);
            long pid;
            try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getLong(1);
            }
            // the "crash": the server loses this session mid-transaction, as when the process dies
            db.count("SELECT count(pg_terminate_backend(" + pid + "))");
            insertEffect(d, c); // fails: the connection is gone
        });
        assertThatThrownBy(() -> crashing.handle(delivery(m, "g"))).isInstanceOf(SQLException.class);
        assertThat(claims(m)).isZero();
        assertThat(effects(m)).isZero();
        JdbcIdempotency.transactional(db.dataSource(), idem, TransactionalIdempotencyTest::insertEffect).handle(delivery(m, "g"));
        assertThat(effects(m)).isEqualTo(1);
    }

    @Test
    void anAbortedConnectionLeavesNoClaim() throws Exception {
        Message m = Message.ofBytes("t", new byte[0], null);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            MessageHandler aborting = JdbcIdempotency.transactional(db.dataSource(), idem, (d, c) -> {
                insertEffect(d, c);
                c.abort(ex); // JDBC's hard close: no commit will ever happen
                throw new IllegalStateException("aborted");
            });
            assertThatThrownBy(() -> aborting.handle(delivery(m, "g"))).isInstanceOf(IllegalStateException.class);
        } finally {
            ex.shutdown();
            assertThat(ex.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        // the server ends the session asynchronously; a claim must never become visible
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                db.count("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE '%"
                        + effects.substring(effects.indexOf('.') + 1) + "%'") == 0);
        assertThat(claims(m)).isZero();
        assertThat(effects(m)).isZero();
    }

    @Test
    void concurrentDeliveriesOfOneMessageHaveOneEffect() throws Exception {
        MessageHandler h = JdbcIdempotency.transactional(db.dataSource(), idem, TransactionalIdempotencyTest::insertEffect);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Message> messages = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                Message m = Message.ofBytes("t", new byte[0], null);
                messages.add(m);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < 6; i++) fs.add(pool.submit(() -> { go.await(); h.handle(delivery(m, "g")); return null; }));
                go.countDown();
                for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
            }
            for (Message m : messages) assertThat(effects(m)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLiveNonTransactionalClaimOnTheSameTableAsksForARetry() {
        Message m = Message.ofBytes("t", new byte[0], null);
        JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(db.dataSource()).table(idem).build();
        assertThat(store.claim("g", m.id())).isEqualTo(Claim.CLAIMED);
        MessageHandler h = store.transactional(TransactionalIdempotencyTest::insertEffect);
        assertThatThrownBy(() -> h.handle(delivery(m, "g"))).isInstanceOf(ClaimInProgressException.class)
                .hasMessageContaining("separate tables");
        assertThat(effects(m)).isZero();
    }
}
