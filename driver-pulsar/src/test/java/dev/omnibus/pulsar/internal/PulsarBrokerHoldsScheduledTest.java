package dev.omnibus.pulsar.internal;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.PublishOptions;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker, not only the receiver's not-before-due guard, holds a scheduled message for every kind
 * of subscription the driver opens: each receiver saw it at most about one broker tick (1 s) early. An
 * Exclusive or Failover subscription would get it at once (Pulsar honours deliverAt only for Shared
 * and Key_Shared), i.e. the whole delay early, and the guard would hold it in memory instead.
 */
class PulsarBrokerHoldsScheduledTest {

    @Test
    void everySubscriptionTypeTheDriverOpensIsHeldByTheBroker() throws Exception {
        Method shared = Class.forName("dev.omnibus.pulsar.PulsarFixtures").getDeclaredMethod("shared");
        shared.setAccessible(true);
        BrokerFixture broker = (BrokerFixture) shared.invoke(null);
        String topic = "held-" + UUID.randomUUID().toString().substring(0, 8);
        try (Messaging bus = Messaging.connect(MessagingConfig.builder(broker.url()).options(broker.options()).build())) {
            Set<String> got = ConcurrentHashMap.newKeySet();
            List<SubscribeOptions> all = List.of(SubscribeOptions.group("ks"), SubscribeOptions.group("sh").ordering(Ordering.NONE),
                    SubscribeOptions.defaults(), SubscribeOptions.defaults().ordering(Ordering.NONE));
            for (int i = 0; i < all.size(); i++) {
                int n = i;
                bus.subscribe(topic, all.get(i), d -> got.add(n + ":" + d.id()));
            }
            // control: Pulsar ignores deliverAt for an Exclusive subscription (why the driver never opens one)
            try (PulsarClient client = PulsarClient.builder().serviceUrl(broker.url())
                    .listenerName(broker.options().get("pulsar.listenerName")).build();
                 Consumer<byte[]> exclusive = client.newConsumer().topic("persistent://public/default/" + topic)
                         .subscriptionName("exclusive").subscriptionType(SubscriptionType.Exclusive).subscribe()) {
                long due = System.currentTimeMillis() + 8000;
                bus.publish(topic, Message.of("com.acme.Held", 1).withKey("k"), PublishOptions.deliverAt(java.time.Instant.ofEpochMilli(due)))
                        .get(30, TimeUnit.SECONDS);
                org.apache.pulsar.client.api.Message<byte[]> m = exclusive.receive(30, TimeUnit.SECONDS);
                assertThat(m).isNotNull();
                assertThat(System.currentTimeMillis()).as("Exclusive received it early").isLessThan(due - 4000);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == all.size());
            for (PulsarReceiver r : receivers(bus)) {
                assertThat(r.maxEarlyMillis()).as("%s: released how early by the broker (ms)", r).isLessThan(2500);
            }
        }
    }

    static Set<PulsarReceiver> receivers(Messaging bus) throws Exception {
        Field tf = bus.getClass().getDeclaredField("transport");
        tf.setAccessible(true);
        Field rf = PulsarTransport.class.getDeclaredField("receivers");
        rf.setAccessible(true);
        Set<PulsarReceiver> out = ConcurrentHashMap.newKeySet();
        for (Object r : (Set<?>) rf.get(tf.get(bus))) out.add((PulsarReceiver) r);
        assertThat(out).hasSize(4);
        return out;
    }
}
