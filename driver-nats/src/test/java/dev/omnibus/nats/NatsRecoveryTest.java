package dev.omnibus.nats;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.fixtures.NatsProcessBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A nats-server of its own, SIGKILLed and restarted under live subscriptions: a group's durable consumer and
 * a group-less subscription's ephemeral consumer resume, and neither a publish buffered while the server
 * was down (when it was acknowledged) nor what comes after the restart is missed. An ephemeral consumer that
 * the server lost is re-created by the driver from the stream sequence after the last one it delivered.
 */
class NatsRecoveryTest {
    private static NatsProcessBroker server;

    @BeforeAll static void start() { server = new NatsProcessBroker(); server.start(); }

    @AfterAll static void stop() { server.close(); }

    private static Message message(String text) { return Message.ofBytes("dev.omnibus.test.R", text.getBytes(), null); }

    @Test
    void groupAndGroupLessSubscriptionsGoOnAfterTheServerWasKilled() throws Exception {
        MessagingConfig config = MessagingConfig.builder(server.url()).option("nats.reconnectWait", "250ms").build();
        try (Messaging bus = Messaging.connect(config)) {
            String topic = "recovery.t" + System.nanoTime();
            Set<String> grouped = ConcurrentHashMap.newKeySet();
            Set<String> groupLess = ConcurrentHashMap.newKeySet();
            bus.subscribe(topic, SubscribeOptions.group("g").ordering(Ordering.NONE), d -> grouped.add(d.id()));
            bus.subscribe(topic, SubscribeOptions.defaults().ordering(Ordering.NONE), d -> groupLess.add(d.id()));
            Message before = message("before");
            bus.publish(topic, before).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> grouped.contains(before.id()) && groupLess.contains(before.id()));

            server.kill();
            Message during = message("during");
            var duringPublish = bus.publish(topic, during); // buffered by jnats while disconnected: may fail, then it is reported
            server.restart();
            Message after = message("after");
            bus.publish(topic, after).get(30, TimeUnit.SECONDS);
            Set<String> expected = new java.util.HashSet<>(Set.of(after.id()));
            if (duringPublish.handle((r, e) -> e == null).get(60, TimeUnit.SECONDS)) expected.add(during.id());
            await().atMost(Duration.ofSeconds(60)).until(() -> grouped.containsAll(expected));
            await().atMost(Duration.ofSeconds(60)).until(() -> groupLess.containsAll(expected));
        }
    }

    /** The ephemeral consumer disappears behind the driver's back (as after a restart of a server that kept it in memory). */
    @Test
    void groupLessSubscriptionRecreatesItsConsumerWhereItWas() throws Exception {
        try (Messaging bus = Messaging.connect(server.url());
             io.nats.client.Connection nats = io.nats.client.Nats.connect(server.url())) {
            String topic = "recovery.e" + System.nanoTime();
            Set<String> got = ConcurrentHashMap.newKeySet();
            bus.subscribe(topic, SubscribeOptions.defaults().ordering(Ordering.NONE), d -> got.add(d.id()));
            Message first = message("first");
            bus.publish(topic, first).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> got.contains(first.id()));

            var jsm = nats.jetStreamManagement();
            String stream = topic.replace('.', '_');
            java.util.List<String> lost = jsm.getConsumerNames(stream);
            org.assertj.core.api.Assertions.assertThat(lost).hasSize(1);
            jsm.deleteConsumer(stream, lost.get(0));
            Message second = message("second");
            Message third = message("third");
            bus.publish(topic, second).get(30, TimeUnit.SECONDS);
            bus.publish(topic, third).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> got.containsAll(Set.of(second.id(), third.id())));
            org.assertj.core.api.Assertions.assertThat(got).hasSize(3); // nothing before the loss came again
            org.assertj.core.api.Assertions.assertThat(jsm.getConsumerNames(stream)).hasSize(1).doesNotContain(lost.get(0));
        }
    }
}
