package dev.omnibus.pulsar.internal;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import org.junit.jupiter.api.RepeatedTest;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
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

/**
 * Regression test: with {@code receiveAsync()} pulling, one message in a few thousand was dispatched by
 * the broker, never surfaced from the client, and stayed unacknowledged (Pulsar 4.0.7 client). The
 * receiver now uses the consumer's MessageListener with pause/resume; 20 keys x 250 messages through
 * the core, several times, must all arrive. On failure the message prints the receiver's counters.
 */
class PulsarReceiverNoLossTest {

    @RepeatedTest(3)
    void everyPublishedMessageReachesTheHandler() throws Exception {
        Method shared = Class.forName("dev.omnibus.pulsar.PulsarFixtures").getDeclaredMethod("shared");
        shared.setAccessible(true);
        BrokerFixture broker = (BrokerFixture) shared.invoke(null);
        String topic = "noloss-" + UUID.randomUUID().toString().substring(0, 8);
        try (Messaging bus = Messaging.connect(MessagingConfig.builder(broker.url()).options(broker.options()).build())) {
            Set<String> got = ConcurrentHashMap.newKeySet();
            bus.subscribe(topic, SubscribeOptions.group("g").concurrency(4), d -> got.add(d.id()));
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int seq = 0; seq < 250; seq++) {
                for (int k = 0; k < 20; k++) acks.add(bus.publish(topic, Message.of("x", seq).withKey("key-" + k)));
            }
            for (CompletableFuture<?> f : acks) f.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(got).as("received; receiver state: %s", diagnostics(bus)).hasSize(5000));
        }
    }

    private static String diagnostics(Messaging bus) throws Exception {
        Field tf = bus.getClass().getDeclaredField("transport");
        tf.setAccessible(true);
        Field rf = PulsarTransport.class.getDeclaredField("receivers");
        rf.setAccessible(true);
        StringBuilder sb = new StringBuilder();
        for (Object r : (Set<?>) rf.get(tf.get(bus))) sb.append(((PulsarReceiver) r).diagnostics()).append("; ");
        return sb.toString();
    }
}
