package dev.omnibus.pulsar;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** DURABLE: what the broker acknowledged survives a SIGKILL of the broker and its restart. */
class PulsarDurabilityTest {

    private static Messaging connect(BrokerFixture broker) {
        return Messaging.connect(MessagingConfig.builder(broker.url()).options(broker.options()).build());
    }

    @Test
    void acknowledgedPublishesSurviveKillAndRestart() throws Exception {
        BrokerFixture broker = PulsarFixtures.shared();
        assumeTrue(broker.supportsRestart(), broker.name() + " cannot kill and restart its broker");
        String topic = "durable-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "survivors";
        List<String> sent = new ArrayList<>();
        try (Messaging before = connect(broker)) {
            // creates the durable subscription, then leaves: everything published next waits for the group
            before.subscribe(topic, SubscribeOptions.group(group).ordering(Ordering.NONE), d -> { }).close(Duration.ofSeconds(1));
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Message m = Message.of("com.acme.Durable", i).withKey("k" + (i % 3));
                sent.add(m.id());
                acks.add(before.publish(topic, m));
            }
            for (CompletableFuture<?> f : acks) f.get(60, TimeUnit.SECONDS);
        }

        broker.kill();
        broker.restart();

        Set<String> received = ConcurrentHashMap.newKeySet();
        try (Messaging after = connect(broker)) {
            // a standalone broker restarted after SIGKILL may take longer than operationTimeout to own a new topic
            // (the subscription's dead-letter topic) again: subscribing is retried until it answers, within a bound
            await().atMost(Duration.ofSeconds(120)).ignoreException(dev.omnibus.BrokerUnavailableException.class)
                    .until(() -> after.subscribe(topic, SubscribeOptions.group(group).ordering(Ordering.NONE),
                            d -> received.add(d.id())) != null);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(received).containsAll(sent));
        }
    }
}
