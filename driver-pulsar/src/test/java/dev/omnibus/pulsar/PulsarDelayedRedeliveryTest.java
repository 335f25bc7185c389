package dev.omnibus.pulsar;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Message;
import dev.omnibus.RedeliverySchedule;
import dev.omnibus.Ordering;
import dev.omnibus.Redeliveries;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.pulsar.internal.PulsarTransport;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * DELAYED_REDELIVERY at the SPI ({@link Inbound#redeliverAfter}) on a real Pulsar broker: the message
 * comes back to its group only, no earlier than the delay, with the envelope the core handed back
 * (history extensions); the original is acknowledged; a consumer closed during the delay does not lose
 * it, another consumer of the group receives it once due.
 */
class PulsarDelayedRedeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static BrokerFixture broker;

    @BeforeAll
    static void start() { broker = PulsarFixtures.shared(); }

    private static Transport transport() {
        return new PulsarDriver().connect(new DriverConfig("pulsar", broker.url().substring("pulsar://".length()),
                null, null, "", broker.options()));
    }

    private static String topic() { return "rdlv-" + UUID.randomUUID().toString().substring(0, 8); }

    private static ReceiveOptions group(String group, Ordering ordering) {
        return ReceiveOptions.builder().group(group).ordering(ordering).maxInFlight(10).build();
    }

    private static ReceiveOptions redelivering(String group) {
        return ReceiveOptions.builder().group(group).ordering(Ordering.NONE).maxInFlight(10)
                .redelivery(RedeliverySchedule.of(Duration.ofSeconds(4), Duration.ofSeconds(6))).build();
    }

    private record Seen(String body, String redeliveries, long at, String position) {}

    @Test
    void redeliveredToItsGroupOnlyNoEarlierThanTheDelayWithTheHandedBackEnvelope() throws Exception {
        String topic = topic();
        Transport t = transport();
        try {
            List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
            List<String> other = Collections.synchronizedList(new ArrayList<>());
            AtomicLong handedBackAt = new AtomicLong();
            Duration delay = Duration.ofSeconds(4);
            TransportSubscription g = t.receive(topic, redelivering("g"), in -> {
                Message m = in.message();
                seen.add(new Seen(m.dataAsString(), m.extension(Redeliveries.REDELIVERIES), System.currentTimeMillis(),
                        in.position().toString()));
                if (m.extension(Redeliveries.REDELIVERIES) == null) {
                    handedBackAt.set(System.currentTimeMillis());
                    in.redeliverAfter(m.withExtension(Redeliveries.REDELIVERIES, "1"), delay);
                } else {
                    in.ack();
                }
            });
            TransportSubscription o = t.receive(topic, group("other", Ordering.NONE), in -> {
                other.add(in.message().dataAsString());
                in.ack();
            });
            t.send(topic, Message.of("com.acme.R", "once").withKey("k")).get(30, TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> seen.size() == 2);
            Seen first = seen.get(0);
            Seen again = seen.get(1);
            assertThat(again.body()).isEqualTo("\"once\"");
            assertThat(again.redeliveries()).isEqualTo("1");
            assertThat(again.at()).as("not before the delay").isGreaterThanOrEqualTo(handedBackAt.get() + delay.toMillis());
            assertThat(again.position()).contains(PulsarTransport.redeliveryTopic(topic, "g"));
            assertThat(first.position()).doesNotContain(PulsarTransport.REDELIVERY_SUFFIX);
            // the original and the redelivery are acknowledged; the other group saw the message once
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(t.lag(topic, "g").total()).isZero();
                assertThat(t.lag(PulsarTransport.redeliveryTopic(topic, "g"), "g").total()).isZero();
            });
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> other.size() == 1 && seen.size() == 2);
            assertThat(t.admin().topics()).contains(topic).noneMatch(x -> x.endsWith(PulsarTransport.REDELIVERY_SUFFIX));
            g.close();
            o.close();
        } finally {
            t.close();
        }
    }

    @Test
    void aConsumerClosedDuringTheDelayLosesNothing() throws Exception {
        String topic = topic();
        Duration delay = Duration.ofSeconds(6);
        AtomicLong handedBackAt = new AtomicLong();
        Transport a = transport();
        CompletableFuture<Void> handedBack = new CompletableFuture<>();
        try {
            a.receive(topic, redelivering("g"), in -> {
                Message m = in.message();
                handedBackAt.set(System.currentTimeMillis());
                in.redeliverAfter(m.withExtension(Redeliveries.REDELIVERIES, "1").withExtension(Redeliveries.ATTEMPTS, "3"), delay)
                        .whenComplete((v, e) -> {
                            if (e == null) handedBack.complete(null);
                            else handedBack.completeExceptionally(e);
                        });
            });
            a.send(topic, Message.of("com.acme.R", "survivor")).get(30, TimeUnit.SECONDS);
            handedBack.get(30, TimeUnit.SECONDS);
        } finally {
            a.close(); // the consumer goes away during the delay
        }
        Transport b = transport();
        try {
            List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
            List<String> attempts = Collections.synchronizedList(new ArrayList<>());
            b.receive(topic, redelivering("g"), in -> {
                Message m = in.message();
                seen.add(new Seen(m.dataAsString(), m.extension(Redeliveries.REDELIVERIES), System.currentTimeMillis(), ""));
                attempts.add(m.extension(Redeliveries.ATTEMPTS));
                in.ack();
            });
            await().atMost(WAIT).until(() -> seen.size() == 1);
            assertThat(seen.get(0).body()).isEqualTo("\"survivor\"");
            assertThat(seen.get(0).redeliveries()).isEqualTo("1");
            assertThat(attempts).containsExactly("3");
            assertThat(seen.get(0).at()).isGreaterThanOrEqualTo(handedBackAt.get() + delay.toMillis());
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> seen.size() == 1);
        } finally {
            b.close();
        }
    }

    @Test
    void perKeyGroupsAndGroupLessSubscriptionsRefuseASchedule() {
        String topic = topic();
        Transport t = transport();
        try {
            RedeliverySchedule schedule = RedeliverySchedule.of(Duration.ofSeconds(1));
            assertThatThrownBy(() -> t.receive(topic, ReceiveOptions.builder().group("ordered").ordering(Ordering.PER_KEY)
                    .redelivery(schedule).build(), in -> { }))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("ORDERED_DELAYED_REDELIVERY");
            assertThatThrownBy(() -> t.receive(topic, ReceiveOptions.builder().ordering(Ordering.NONE)
                    .redelivery(schedule).build(), in -> { }))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("group-less");
        } finally {
            t.close();
        }
    }
}
