package dev.omnibus.jdbc;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;
import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.idempotency.IdempotencyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox relay and the JDBC idempotency store end to end: real PostgreSQL, a real broker given by
 * the subclass. Each test uses fresh tables (in a fresh schema) and fresh topics.
 */
abstract class OutboxScenarios {
    static final Duration BOUND = Duration.ofSeconds(60);

    TestDatabase db;
    Outbox outbox;
    String topic;
    final List<AutoCloseable> closeables = new ArrayList<>();

    /** The broker URL to connect to; every call within one test must return the same broker. */
    abstract String brokerUrl();

    @BeforeEach
    void setUpDatabase() {
        db = new TestDatabase();
        outbox = Outbox.table(db.table("outbox")).createSchema(db.dataSource());
        topic = "jdbc.outbox." + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) c.close();
        db.close();
        cleanUpBroker(topic);
    }

    /**
     * Whether the broker counts deliveries across consumers of a group (RabbitMQ, Pulsar, memory do;
     * Kafka keeps no count, so a handover to another consumer shows deliveryCount 1 there).
     */
    boolean brokerCountsRedeliveries() { return true; }

    /** Removes what the test left on a shared broker (queues, exchanges of {@code topic} and {@code topic.dlq}). */
    void cleanUpBroker(String topic) {}

    <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    Messaging connect() { return closeLater(Messaging.connect(brokerUrl())); }

    /** A consumer in its own group recording every delivery in arrival order. */
    List<Message> record(Messaging bus) {
        List<Message> received = Collections.synchronizedList(new ArrayList<>());
        closeLater(bus.subscribe(topic, SubscribeOptions.group("recorder-" + UUID.randomUUID().toString().substring(0, 6)),
                d -> received.add(d.message())));
        return received;
    }

    /** Writes messages through the outbox in transactions; rolled-back ones are returned separately. */
    record Written(List<Message> committed, List<Message> rolledBack) {}

    Written write(int count, int keys, int rollbackEvery) throws SQLException {
        List<Message> committed = new ArrayList<>();
        List<Message> rolledBack = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                Message m = Message.builder().type("com.acme.Test").source("/jdbc-test").subject("s" + i)
                        .key("k" + (i % keys)).extension("seqno", Integer.toString(i))
                        .data(("payload-" + i).getBytes(StandardCharsets.UTF_8), "text/plain").build();
                outbox.publish(c, topic, m);
                if (rollbackEvery > 0 && i % rollbackEvery == rollbackEvery - 1) {
                    c.rollback();
                    rolledBack.add(m);
                } else {
                    c.commit();
                    committed.add(m);
                }
            }
        }
        return new Written(committed, rolledBack);
    }

    static Set<String> ids(List<Message> ms) {
        synchronized (ms) {
            return ms.stream().map(Message::id).collect(Collectors.toSet());
        }
    }

    /** Per key, the order in which ids were first seen must be the order in which they were written. */
    static void assertFirstSeenInWrittenOrderPerKey(List<Message> written, List<Message> received) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Message m : written) expected.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m.id());
        Map<String, List<String>> seen = new LinkedHashMap<>();
        Set<String> first = new HashSet<>();
        synchronized (received) {
            for (Message m : received) if (first.add(m.id())) seen.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m.id());
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void relayPublishesEveryCommittedRowExactlyAsWrittenAndNoRolledBackOne() throws Exception {
        Messaging bus = connect();
        List<Message> received = record(bus);
        Written w = write(60, 5, 4);
        // a message with every optional attribute and a non-micro time, restored exactly
        Message rich = Message.builder().type("com.acme.Rich").source("urn:x").subject("sub").dataSchema("https://s/1")
                .time(Instant.parse("2026-01-02T03:04:05.123456789Z")).key("rich").extension("tenantid", "t1")
                .data(new byte[]{0, 1, 2, (byte) 255}, "application/octet-stream").build();
        Message bare = Message.builder().type("com.acme.Bare").build();
        try (Connection c = db.dataSource().getConnection()) {
            outbox.publish(c, topic, rich); // autocommit
            outbox.publish(c, topic, bare);
        }
        try (OutboxRelay relay = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).batchSize(16)
                .pollInterval(Duration.ofMillis(20)).name("exact").start()) {
            Set<String> expected = ids(w.committed());
            expected.add(rich.id());
            expected.add(bare.id());
            await().atMost(BOUND).until(() -> ids(received).containsAll(expected));
            await().atMost(BOUND).until(() -> relay.backlog().pending() == 0);
            assertThat(relay.backlog().oldestAge()).isEqualTo(Duration.ZERO);
        }
        assertThat(ids(received)).doesNotContainAnyElementsOf(ids(w.rolledBack()));
        assertThat(received).as("no duplicates without failures").hasSize(w.committed().size() + 2);
        Map<String, Message> byId = new ConcurrentHashMap<>();
        received.forEach(m -> byId.put(m.id(), m));
        for (Message m : w.committed()) assertThat(byId.get(m.id())).isEqualTo(m);
        assertThat(byId.get(rich.id())).isEqualTo(rich);
        assertThat(byId.get(bare.id())).isEqualTo(bare);
        assertFirstSeenInWrittenOrderPerKey(w.committed(), received.stream().filter(m -> m.key() != null && m.key().startsWith("k")).toList());
        assertThat(db.count("SELECT count(*) FROM " + outbox.tableName() + " WHERE sent_at IS NULL")).isZero();
    }

    @Test
    void aRelayKilledMidBatchAndRestartedDeliversEveryCommittedRowAndNoRolledBackOne() throws Exception {
        Messaging bus = connect();
        List<Message> received = record(bus);
        Written w = write(200, 10, 5);
        GatedPublisher gated = new GatedPublisher(bus, 20);
        OutboxRelay first = OutboxRelay.builder(gated, db.dataSource()).outbox(outbox).batchSize(50)
                .pollInterval(Duration.ofMillis(20)).publishTimeout(Duration.ofSeconds(20)).name("doomed").start();
        assertThat(gated.reached.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("relay reached the 20th publish").isTrue();
        // 19 rows of the batch are on the broker, the batch's transaction is open: kill its session
        assertThat(db.terminateBackends("omnibus-outbox-relay:doomed")).isEqualTo(1);
        gated.open();
        first.close();
        assertThat(db.count("SELECT count(*) FROM " + outbox.tableName() + " WHERE sent_at IS NULL"))
                .as("the killed batch was rolled back").isGreaterThan(0);

        try (OutboxRelay second = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).batchSize(50)
                .pollInterval(Duration.ofMillis(20)).name("restarted").start()) {
            await().atMost(BOUND).until(() -> ids(received).containsAll(ids(w.committed())));
            await().atMost(BOUND).until(() -> second.backlog().pending() == 0);
        }
        assertThat(ids(received)).isEqualTo(ids(w.committed()));
        assertThat(received.size()).as("rows published before the kill are published again (at-least-once)")
                .isGreaterThan(w.committed().size());
        assertFirstSeenInWrittenOrderPerKey(w.committed(), received);
    }

    @Test
    void twoRelaysShareTheOutboxKeepingPerKeyOrderWithoutDuplicates() throws Exception {
        Messaging bus = connect();
        List<Message> received = record(bus);
        Written w = write(600, 7, 0);
        try (OutboxRelay a = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).batchSize(25)
                .pollInterval(Duration.ofMillis(10)).name("a").start();
             OutboxRelay b = OutboxRelay.builder(connect(), db.dataSource()).outbox(outbox).batchSize(25)
                .pollInterval(Duration.ofMillis(10)).name("b").start()) {
            await().atMost(BOUND).until(() -> ids(received).containsAll(ids(w.committed())));
            await().atMost(BOUND).until(() -> a.backlog().pending() == 0);
            assertThat(a.publishedCount() + b.publishedCount()).isEqualTo(w.committed().size());
        }
        assertThat(received).hasSize(w.committed().size());
        assertFirstSeenInWrittenOrderPerKey(w.committed(), received);
    }

    @Test
    void whenOneOfTwoRelaysIsKilledMidBatchTheOtherDeliversItsRowsInKeyOrder() throws Exception {
        Messaging bus = connect();
        List<Message> received = record(bus);
        Written w = write(300, 6, 7);
        GatedPublisher gated = new GatedPublisher(bus, 10);
        OutboxRelay doomed = OutboxRelay.builder(gated, db.dataSource()).outbox(outbox).batchSize(40)
                .pollInterval(Duration.ofMillis(20)).publishTimeout(Duration.ofSeconds(20)).name("doomed2").start();
        assertThat(gated.reached.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        try (OutboxRelay survivor = OutboxRelay.builder(connect(), db.dataSource()).outbox(outbox).batchSize(40)
                .pollInterval(Duration.ofMillis(20)).name("survivor").start()) {
            assertThat(db.terminateBackends("omnibus-outbox-relay:doomed2")).isEqualTo(1);
            gated.open();
            doomed.close();
            await().atMost(BOUND).until(() -> ids(received).containsAll(ids(w.committed())));
            await().atMost(BOUND).until(() -> survivor.backlog().pending() == 0);
        }
        assertThat(ids(received)).isEqualTo(ids(w.committed()));
        assertFirstSeenInWrittenOrderPerKey(w.committed(), received);
    }

    /** Counts the claims that found a completed message, delegating everything to the real store. */
    static final class CountingStore implements IdempotencyStore {
        final IdempotencyStore store;
        final AtomicInteger alreadyDone = new AtomicInteger();

        CountingStore(IdempotencyStore store) { this.store = store; }

        @Override public Claim claim(String group, String messageId) {
            Claim c = store.claim(group, messageId);
            if (c == Claim.ALREADY_DONE) alreadyDone.incrementAndGet();
            return c;
        }
        @Override public void complete(String group, String messageId) { store.complete(group, messageId); }
        @Override public void release(String group, String messageId) { store.release(group, messageId); }
    }

    String createEffects() {
        String effects = db.table("effects");
        db.exec("CREATE TABLE " + effects + " (message_id TEXT NOT NULL, instance TEXT NOT NULL)");
        return effects;
    }

    void insertEffect(Connection c, String effects, String id, String instance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + effects + " (message_id, instance) VALUES (?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, instance);
            ps.executeUpdate();
        }
    }

    void assertOneEffectPerMessage(String effects, List<Message> messages) {
        assertThat(db.count("SELECT count(DISTINCT message_id) FROM " + effects)).isEqualTo(messages.size());
        assertThat(db.count("SELECT count(*) FROM " + effects)).as("effect rows").isEqualTo(messages.size());
    }

    List<Message> publishEachTwice(Messaging bus, int count) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) messages.add(Message.ofBytes("com.acme.Pay", new byte[]{(byte) i}, null).withKey("k" + (i % 4)));
        for (Message m : messages) bus.publish(topic, m).join();
        for (Message m : messages) bus.publish(topic, m).join(); // the producer retried: same id again
        return messages;
    }

    @Test
    void consumersWithTheJdbcStoreOnTwoInstancesHaveOneEffectPerMessage() {
        String effects = createEffects();
        JdbcIdempotencyStore jdbc = JdbcIdempotencyStore.builder(db.dataSource()).table(db.table("idem")).build().createSchema();
        CountingStore store = new CountingStore(jdbc);
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger handled = new AtomicInteger();
        SubscribeOptions options = SubscribeOptions.group("billing").idempotency(store).concurrency(2)
                .retry(RetryPolicy.exponential(5, Duration.ofMillis(10)));
        Messaging a = connect();
        Messaging b = connect();
        List<Subscription> subs = new ArrayList<>();
        for (Messaging bus : List.of(a, b)) {
            String instance = bus == a ? "a" : "b";
            subs.add(bus.subscribe(topic, options, d -> {
                if (failedOnce.add(d.id())) throw new IllegalStateException("first attempt fails before the effect");
                try (Connection c = db.dataSource().getConnection()) {
                    insertEffect(c, effects, d.id(), instance);
                }
                handled.incrementAndGet();
            }));
        }
        List<Message> messages = publishEachTwice(connect(), 40);
        await().atMost(BOUND).until(() -> handled.get() >= 10);
        subs.get(0).close(); // instance a leaves mid-stream: what it had not settled is redelivered to b
        await().atMost(BOUND).until(() -> db.count("SELECT count(DISTINCT message_id) FROM " + effects) == messages.size()
                && store.alreadyDone.get() >= messages.size());
        assertOneEffectPerMessage(effects, messages);
    }

    @Test
    void transactionalConsumersOnTwoInstancesHaveOneEffectPerMessage() throws Exception {
        String effects = createEffects();
        String idem = db.table("idem_tx");
        JdbcIdempotencyStore.builder(db.dataSource()).table(idem).build().createSchema();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger returned = new AtomicInteger();
        AtomicInteger redelivered = new AtomicInteger();
        CountDownLatch blockedInA = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean blockOnce = new java.util.concurrent.atomic.AtomicBoolean();
        Messaging a = connect();
        Messaging b = connect();
        List<Subscription> subs = new ArrayList<>();
        for (Messaging bus : List.of(a, b)) {
            String instance = bus == a ? "a" : "b";
            MessageHandler tx = JdbcIdempotency.transactional(db.dataSource(), idem, (d, c) -> {
                insertEffect(c, effects, d.id(), instance);
                if (instance.equals("a") && blockOnce.compareAndSet(false, true)) {
                    // instance a stalls inside its transaction: claim and effect written, not committed
                    blockedInA.countDown();
                    releaseA.await();
                }
                if (failedOnce.add(d.id())) throw new IllegalStateException("fails after its SQL: rolled back");
            });
            SubscribeOptions options = SubscribeOptions.group("ledger").concurrency(bus == a ? 1 : 3)
                    .retry(RetryPolicy.exponential(5, Duration.ofMillis(10)));
            subs.add(bus.subscribe(topic, options, (Delivery d) -> {
                if (d.deliveryCount() > 1 && d.attempt() == 1) redelivered.incrementAndGet();
                tx.handle(d);
                returned.incrementAndGet();
            }));
        }
        List<Message> messages = publishEachTwice(connect(), 40);
        assertThat(blockedInA.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("instance a received a message").isTrue();
        // a leaves while its handler holds an open transaction: its unsettled deliveries go to b, which
        // waits on the claim row until a's transaction ends, then skips or applies
        subs.get(0).close(Duration.ofMillis(300));
        releaseA.countDown();
        await().atMost(BOUND).until(() -> (redelivered.get() >= 1 || !brokerCountsRedeliveries())
                && db.count("SELECT count(DISTINCT message_id) FROM " + effects) == messages.size()
                && db.count("SELECT count(*) FROM " + idem) == messages.size()
                && returned.get() >= 2 * messages.size() - 1);
        assertOneEffectPerMessage(effects, messages);
        assertThat(db.count("SELECT count(*) FROM " + idem)).isEqualTo(messages.size());
        System.out.printf("transactional consumers: %d deliveries returned, %d broker redeliveries%n", returned.get(), redelivered.get());
    }
}
