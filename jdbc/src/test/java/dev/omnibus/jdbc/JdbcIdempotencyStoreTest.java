package dev.omnibus.jdbc;

import dev.omnibus.ConfigurationException;
import dev.omnibus.idempotency.IdempotencyStore.Claim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The durable store's claim/complete/release/prune contract against the real PostgreSQL. */
class JdbcIdempotencyStoreTest {
    static TestDatabase db;
    static JdbcIdempotencyStore store;

    @BeforeAll
    static void setUp() {
        db = new TestDatabase();
        store = JdbcIdempotencyStore.builder(db.dataSource()).table(db.table("idem")).build().createSchema();
    }

    @AfterAll
    static void tearDown() { db.close(); }

    private static String id() { return UUID.randomUUID().toString(); }

    @Test
    void claimCompleteAndReleaseFollowTheContract() {
        String m = id();
        assertThat(store.claim("g", m)).isEqualTo(Claim.CLAIMED);
        assertThat(store.claim("g", m)).isEqualTo(Claim.IN_PROGRESS);
        assertThat(store.claim("other", m)).as("groups are independent").isEqualTo(Claim.CLAIMED);
        store.release("g", m);
        assertThat(store.claim("g", m)).as("released claim can be taken again").isEqualTo(Claim.CLAIMED);
        store.complete("g", m);
        assertThat(store.claim("g", m)).isEqualTo(Claim.ALREADY_DONE);
        store.release("g", m);
        assertThat(store.claim("g", m)).as("release never undoes a completion").isEqualTo(Claim.ALREADY_DONE);
        assertThat(store.claim(null, m)).as("null group is its own group").isEqualTo(Claim.CLAIMED);
    }

    @Test
    void completeWithoutClaimStillRecordsDone() {
        String m = id();
        store.complete("g", m);
        assertThat(store.claim("g", m)).isEqualTo(Claim.ALREADY_DONE);
    }

    @Test
    void anExpiredClaimIsTakenOver() {
        JdbcIdempotencyStore shortClaims = JdbcIdempotencyStore.builder(db.dataSource()).table(db.table("idem"))
                .claimTimeout(Duration.ofMillis(300)).build();
        String m = id();
        assertThat(shortClaims.claim("g", m)).isEqualTo(Claim.CLAIMED);
        assertThat(shortClaims.claim("g", m)).isEqualTo(Claim.IN_PROGRESS);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> shortClaims.claim("g", m) == Claim.CLAIMED);
        assertThat(shortClaims.claim("g", m)).as("the new claim is live again").isEqualTo(Claim.IN_PROGRESS);
    }

    @Test
    void exactlyOneOfManyConcurrentClaimersWins() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String m = id();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Claim>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    results.add(pool.submit(() -> { start.await(); return store.claim("race", m); }));
                }
                start.countDown();
                int claimed = 0;
                for (Future<Claim> f : results) if (f.get() == Claim.CLAIMED) claimed++;
                assertThat(claimed).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pruneDeletesOldCompletionsAndDeadClaimsOnly() {
        String table = db.table("idem_prune");
        JdbcIdempotencyStore s = JdbcIdempotencyStore.builder(db.dataSource()).table(table)
                .claimTimeout(Duration.ofMillis(1)).build().createSchema();
        s.complete("g", "old-done");
        s.claim("g", "dead-claim");
        db.exec("UPDATE " + table + " SET completed_at = now() - interval '2 hours' WHERE message_id = 'old-done'");
        db.exec("UPDATE " + table + " SET expires_at = now() - interval '2 hours' WHERE message_id = 'dead-claim'");
        s.complete("g", "fresh-done");
        assertThat(s.prune(Duration.ofHours(1))).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM " + table)).isEqualTo(1);
        assertThat(s.claim("g", "fresh-done")).isEqualTo(Claim.ALREADY_DONE);
        assertThat(s.claim("g", "old-done")).as("forgotten after pruning").isEqualTo(Claim.CLAIMED);
    }

    @Test
    void scheduledPruningRunsUntilClosed() {
        String table = db.table("idem_sched");
        JdbcIdempotencyStore s = JdbcIdempotencyStore.builder(db.dataSource()).table(table).build().createSchema();
        s.complete("g", "a");
        db.exec("UPDATE " + table + " SET completed_at = now() - interval '2 hours'");
        ScheduledPruning pruning = s.schedulePruning(Duration.ofMillis(100), Duration.ofHours(1));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM " + table) == 0);
        } finally {
            pruning.close();
        }
    }

    @Test
    void createSchemaIsIdempotentAndUsesTheShippedScript() {
        store.createSchema();
        store.createSchema();
        assertThat(db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + db.schema() + "' AND tablename = 'idem'"))
                .isEqualTo(3);
    }

    @Test
    void tableNamesAreValidatedAgainstInjection() {
        for (String bad : List.of("idem; DROP TABLE x", "\"quoted\"", "a.b.c", "1abc", "", "x y", "a-b",
                "t".repeat(41), "public.idem--")) {
            assertThatThrownBy(() -> JdbcIdempotencyStore.builder(db.dataSource()).table(bad))
                    .as(bad).isInstanceOf(ConfigurationException.class).hasMessageContaining("table");
        }
        assertThat(JdbcIdempotencyStore.builder(db.dataSource()).table("App.Idem_1").build().table()).isEqualTo("app.idem_1");
    }

    @Test
    void aMissingTableGivesAnErrorNamingTheFix() {
        JdbcIdempotencyStore missing = JdbcIdempotencyStore.builder(db.dataSource()).table(db.table("nope")).build();
        assertThatThrownBy(() -> missing.claim("g", "m")).isInstanceOf(JdbcStorageException.class)
                .hasMessageContaining(db.table("nope")).hasMessageContaining("createSchema()");
    }
}
