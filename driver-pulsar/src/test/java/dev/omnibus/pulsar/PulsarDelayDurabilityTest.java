package dev.omnibus.pulsar;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.PublishOptions;
import dev.omnibus.Redeliveries;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A scheduled message and a delayed redelivery, both acknowledged by the broker, survive a SIGKILL of
 * the broker and its restart during the delay, and still arrive no earlier than due (Pulsar rebuilds its
 * delayed-delivery index from the subscriptions' backlog when the topic is loaded again).
 */
class PulsarDelayDurabilityTest {

    private static Messaging connect(BrokerFixture broker) {
        return Messaging.connect(MessagingConfig.builder(broker.url()).options(broker.options()).build());
    }

    @Test
    void scheduledAndRedeliveredMessagesSurviveBrokerKillAndArriveNoEarlierThanDue() throws Exception {
        BrokerFixture broker = PulsarFixtures.shared();
        assumeTrue(broker.supportsRestart(), broker.name() + " cannot kill and restart its broker");
        String topic = "delay-durable-" + UUID.randomUUID().toString().substring(0, 8);
        Instant due = Instant.now().plusSeconds(40);
        long redeliveryDue;
        try (Messaging before = connect(broker)) {
            // durable subscriptions exist, then leave: the scheduled message waits in their backlog
            before.subscribe(topic, SubscribeOptions.group("keyed"), d -> { }).close(Duration.ofSeconds(1));
            before.subscribe(topic, SubscribeOptions.group("plain").ordering(Ordering.NONE), d -> { }).close(Duration.ofSeconds(1));
            before.publish(topic, Message.of("com.acme.Due", "scheduled").withKey("k"), PublishOptions.deliverAt(due))
                    .get(60, TimeUnit.SECONDS);
        }
        Transport spi = new PulsarDriver().connect(new DriverConfig("pulsar", broker.url().substring("pulsar://".length()),
                null, null, "", broker.options()));
        try {
            CompletableFuture<Long> handedBack = new CompletableFuture<>();
            spi.receive(topic + ".work", ReceiveOptions.builder().group("retrying").ordering(Ordering.NONE)
                    .redelivery(dev.omnibus.RedeliverySchedule.of(Duration.ofSeconds(40))).build(), in -> {
                long at = System.currentTimeMillis();
                in.redeliverAfter(in.message().withExtension(Redeliveries.REDELIVERIES, "1"), Duration.ofSeconds(40))
                        .whenComplete((v, e) -> {
                            if (e == null) handedBack.complete(at + 40_000);
                            else handedBack.completeExceptionally(e);
                        });
            });
            spi.send(topic + ".work", Message.of("com.acme.Work", "retry-me")).get(60, TimeUnit.SECONDS);
            redeliveryDue = handedBack.get(60, TimeUnit.SECONDS);
        } finally {
            spi.close();
        }

        broker.kill();
        broker.restart();

        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        try (Messaging after = connect(broker)) {
            // a standalone broker restarted after SIGKILL may take longer than operationTimeout to own a topic
            // again: subscribing is retried until it answers, within a bound
            for (String[] s : new String[][] {{topic, "keyed"}, {topic, "plain"}, {topic + ".work", "retrying"}}) {
                SubscribeOptions options = s[1].equals("keyed") ? SubscribeOptions.group(s[1])
                        : s[1].equals("plain") ? SubscribeOptions.group(s[1]).ordering(Ordering.NONE)
                        : SubscribeOptions.group(s[1]).ordering(Ordering.NONE).redelivery(Duration.ofSeconds(40));
                await().atMost(Duration.ofSeconds(120)).ignoreException(dev.omnibus.BrokerUnavailableException.class)
                        .until(() -> after.subscribe(s[0], options, d -> {
                            // Pulsar persists acks lazily (managedLedgerDefaultMarkDeleteRateLimit, cursor flushes): a
                            // SIGKILL may bring back the already acknowledged original of the redelivery (at least
                            // once); what must not come early is the redelivery itself
                            if (s[1].equals("retrying") && d.message().extension(Redeliveries.REDELIVERIES) == null) return;
                            receivedAt.putIfAbsent(s[1] + ":" + d.message().dataAsString(), System.currentTimeMillis());
                        }) != null);
            }
            await().atMost(Duration.ofSeconds(150)).untilAsserted(() -> assertThat(receivedAt).containsOnlyKeys(
                    "keyed:\"scheduled\"", "plain:\"scheduled\"", "retrying:\"retry-me\""));
            assertThat(receivedAt.get("keyed:\"scheduled\"")).isGreaterThanOrEqualTo(due.toEpochMilli());
            assertThat(receivedAt.get("plain:\"scheduled\"")).isGreaterThanOrEqualTo(due.toEpochMilli());
            assertThat(receivedAt.get("retrying:\"retry-me\"")).isGreaterThanOrEqualTo(redeliveryDue);
        }
    }
}
