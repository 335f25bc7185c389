package dev.omnibus.jdbc;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Outbox writing, backlog, pruning and the relay's per-key gap rule, on the real PostgreSQL and the memory broker. */
class OutboxTest {
    TestDatabase db;
    Outbox outbox;
    Messaging bus;
    String topic = "jdbc.outbox." + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        assumeTrue(Brokers.driverPresent("memory"), "omnibus-driver-memory is not on the test class path");
        db = new TestDatabase();
        outbox = Outbox.table(db.table("outbox")).createSchema(db.dataSource());
        bus = Messaging.connect(Brokers.memoryUrl());
    }

    @AfterEach
    void tearDown() {
        if (bus != null) bus.close();
        if (db != null) db.close();
    }

    Message write(String key) throws SQLException {
        Message m = Message.ofBytes("t", new byte[]{1}, null).withKey(key);
        try (Connection c = db.dataSource().getConnection()) {
            outbox.publish(c, topic, m);
        }
        return m;
    }

    @Test
    void backlogCountsPendingRowsAndTheOldestAge() throws Exception {
        OutboxRelay relay = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).build();
        assertThat(relay.backlog()).isEqualTo(new OutboxBacklog(0, Duration.ZERO));
        write("a");
        write("b");
        db.exec("UPDATE " + outbox.tableName() + " SET created_at = clock_timestamp() - interval '1 hour' WHERE message_key = 'a'");
        OutboxBacklog backlog = relay.backlog();
        assertThat(backlog.pending()).isEqualTo(2);
        assertThat(backlog.oldestAge()).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        assertThat(relay.relayOnce()).isEqualTo(2);
        assertThat(relay.backlog().pending()).isZero();
        relay.close();
    }

    @Test
    void pruneDeletesOnlyRowsSentLongerAgoThanTheRetention() throws Exception {
        OutboxRelay relay = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).build();
        write("a");
        write("b");
        relay.relayOnce();
        write("c"); // pending: never pruned
        db.exec("UPDATE " + outbox.tableName() + " SET sent_at = clock_timestamp() - interval '2 days' WHERE message_key = 'a'");
        assertThat(relay.prune(Duration.ofDays(1))).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM " + outbox.tableName())).isEqualTo(2);
        relay.close();
    }

    @Test
    void theSameMessageTwiceOnOneTopicIsRejectedByTheDatabase() throws Exception {
        Message m = write("a");
        try (Connection c = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> outbox.publish(c, topic, m)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
            outbox.publish(c, topic + ".other", m); // another topic is another row
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Outbox.table("x;drop")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> OutboxRelay.builder(bus, db.dataSource()).batchSize(0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> OutboxRelay.builder(bus, db.dataSource()).pollInterval(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> OutboxRelay.builder(bus, db.dataSource()).name("bad name"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("name");
        try (Connection c = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> outbox.publish(c, " ", Message.ofBytes("t", new byte[0], null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKeyWhoseOlderRowIsLockedByAnotherRelayWaitsForIt() throws Exception {
        List<Message> received = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(topic, SubscribeOptions.group("rec"), d -> received.add(d.message()));
        Message k1 = write("k");
        Message other = write("other");
        Message k2 = write("k");
        OutboxRelay relay = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).build();
        try (Connection rival = db.dataSource().getConnection()) {
            rival.setAutoCommit(false);
            try (Statement st = rival.createStatement()) { // another relay holds the key's oldest row
                st.executeQuery("SELECT seq FROM " + outbox.tableName() + " WHERE id = '" + k1.id() + "' FOR UPDATE").close();
            }
            assertThat(relay.relayOnce()).as("only the other key's row may go").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.get(0).id()).isEqualTo(other.id());
            assertThat(relay.backlog().pending()).isEqualTo(2);
            rival.rollback();
        }
        assertThat(relay.relayOnce()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertThat(received.subList(1, 3)).extracting(Message::id).containsExactly(k1.id(), k2.id());
        relay.close();
    }

    @Test
    void aRowTheBrokerRejectsStaysPendingAndHoldsBackOnlyItsKey() throws Exception {
        String name = "jdbc-small-" + UUID.randomUUID();
        try (Messaging small = Messaging.connect("memory://" + name + "?maxMessageBytes=600");
             Messaging reader = Messaging.connect("memory://" + name)) {
            List<Message> received = Collections.synchronizedList(new ArrayList<>());
            reader.subscribe(topic, SubscribeOptions.group("rec"), d -> received.add(d.message()));
            Message big = Message.ofBytes("t", new byte[5000], null).withKey("k");
            Message afterBig = Message.ofBytes("t", new byte[1], null).withKey("k");
            Message other = Message.ofBytes("t", new byte[1], null).withKey("other");
            try (Connection c = db.dataSource().getConnection()) {
                outbox.publish(c, topic, big);
                outbox.publish(c, topic, afterBig);
                outbox.publish(c, topic, other);
            }
            OutboxRelay relay = OutboxRelay.builder(small, db.dataSource()).outbox(outbox).build();
            assertThat(relay.relayOnce()).isEqualTo(1);
            assertThat(relay.relayOnce()).as("the rejected row still holds back its key").isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.get(0).id()).isEqualTo(other.id());
            assertThat(relay.backlog().pending()).isEqualTo(2);
            relay.close();
        }
    }

    @Test
    void anUnreadableRowIsSkippedAndHoldsBackOnlyItsKey() throws Exception {
        List<Message> received = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(topic, SubscribeOptions.group("rec"), d -> received.add(d.message()));
        Message broken = write("k");
        Message afterBroken = write("k");
        Message other = write("other");
        db.exec("UPDATE " + outbox.tableName() + " SET ce_type = '' WHERE id = '" + broken.id() + "'");
        OutboxRelay relay = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).build();
        assertThat(relay.relayOnce()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).id()).isEqualTo(other.id());
        assertThat(relay.backlog().pending()).isEqualTo(2);
        assertThat(afterBroken.key()).isEqualTo("k");
        relay.close();
    }
}
