package dev.omnibus.micrometer;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.BrokerScenarios;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;
import dev.omnibus.observation.MessagingObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.omnibus.micrometer.MeterNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters of {@link OmnibusMetrics} in a {@link SimpleMeterRegistry}: one subclass per broker (memory
 * and the real Kafka, Pulsar and RabbitMQ).
 */
abstract class MetricsScenarios extends BrokerScenarios {
    private final List<Messaging> open = new ArrayList<>();
    private SimpleMeterRegistry registry;
    private Messaging bus;

    @BeforeEach
    void connect() {
        registry = new SimpleMeterRegistry();
        bus = connect(OmnibusMetrics.builder(registry).lagInterval(Duration.ofMillis(200)).build().observer());
    }

    @AfterEach
    void close() {
        for (Messaging m : open) m.close();
        open.clear();
    }

    private Messaging connect(MessagingObserver observer) {
        Messaging m = Messaging.connect(config(memoryName("metrics")).observer(observer).build());
        open.add(m);
        return m;
    }

    private static String topic(String name) { return "metrics-" + name + "-" + UUID.randomUUID().toString().substring(0, 8); }

    private Search search(String name, String topic) { return registry.find(name).tag(DESTINATION, topic).tag(SYSTEM, system()); }

    private double count(String name, String topic) {
        return search(name, topic).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private long timerCount(String name, String topic) {
        return search(name, topic).timers().stream().mapToLong(Timer::count).sum();
    }

    private Double gauge(String name, String topic) {
        Gauge g = search(name, topic).gauge();
        return g == null ? null : g.value();
    }

    @Test
    void publishesAttemptsRetriesDeadLettersAndLatencyAreCounted() {
        String t = topic("orders");
        bus.subscribe(t, SubscribeOptions.group("billing").retry(RetryPolicy.fixed(3, Duration.ofMillis(20))), d -> {
            String mode = d.message().extension("mode");
            if ("flaky".equals(mode) && d.attempt() == 1) throw new IllegalStateException("transient");
            if ("poison".equals(mode)) throw new IllegalArgumentException("poison");
        });
        bus.publish(t, Message.of("Ok", "{}")).join();
        bus.publish(t, Message.of("Flaky", "{}").withExtension("mode", "flaky")).join();
        bus.publish(t, Message.of("Poison", "{}").withExtension("mode", "poison")).join();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(count(CONSUMED, t)).isEqualTo(3));
        assertThat(registry.find(SENT).tag(DESTINATION, t).tag(KIND, "publish").counter().count()).isEqualTo(3);
        assertThat(registry.find(SENT).tag(DESTINATION, t + ".dlq").tag(KIND, "dead_letter").counter().count()).isEqualTo(1);
        assertThat(timerCount(OPERATION_DURATION, t)).isEqualTo(3);
        // ok 1 + flaky 2 + poison 3 attempts
        assertThat(timerCount(PROCESS_DURATION, t)).isEqualTo(6);
        assertThat(search(PROCESS_DURATION, t).tag(ERROR_TYPE, IllegalArgumentException.class.getName()).timer().count()).isEqualTo(3);
        assertThat(search(PROCESS_DURATION, t).tag(ERROR_TYPE, "none").timer().count()).isEqualTo(2);
        assertThat(count(RETRIES, t)).as("flaky once, poison twice").isEqualTo(3);
        assertThat(search(DEAD_LETTERS, t).tag(GROUP, "billing").tag(REASON, "handler_failed").counter().count()).isEqualTo(1);
        assertThat(timerCount(END_TO_END_LATENCY, t)).as("first attempts only").isEqualTo(3);
        assertThat(search(CONSUMED, t).tag(GROUP, "billing").counter().count()).isEqualTo(3);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTags()).as("no message id in tags of %s", m.getId())
                    .noneMatch(tag -> tag.getValue().length() == 36 && tag.getValue().chars().filter(c -> c == '-').count() == 4);
        }
    }

    @Test
    void delayedRedeliveriesAreCountedAndTheMessageIsConsumedOnceWhenDone() {
        org.junit.jupiter.api.Assumptions.assumeTrue(bus.capabilities().contains(dev.omnibus.Capability.ORDERED_DELAYED_REDELIVERY),
                "needs ORDERED_DELAYED_REDELIVERY");
        String t = topic("later");
        bus.subscribe(t, SubscribeOptions.group("later").retry(RetryPolicy.none()).redelivery(Duration.ofMillis(300)), d -> {
            if (d.attempt() == 1) throw new IllegalStateException("not yet");
        });
        bus.publish(t, Message.of("Later", "{}")).join();
        // the second attempt's process duration is recorded as it ends, which may be after the consumed count
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(count(CONSUMED, t)).isEqualTo(1);
            assertThat(timerCount(PROCESS_DURATION, t)).as("two attempts").isEqualTo(2);
        });
        assertThat(search(REDELIVERIES, t).tag(GROUP, "later").counter().count()).isEqualTo(1);
        assertThat(count(RETRIES, t)).as("no in-process retry").isZero();
        assertThat(timerCount(END_TO_END_LATENCY, t)).as("first attempt only").isEqualTo(1);
    }

    @Test
    void duplicatesSkippedByTheIdempotencyStoreAreCounted() {
        String t = topic("dupes");
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(t, SubscribeOptions.group("once").idempotency(new InMemoryIdempotencyStore()), d -> handled.add(d.id()));
        Message m = Message.of("Once", "{}");
        bus.publish(t, m).join();
        bus.publish(t, m).join();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(count(DUPLICATES, t)).isEqualTo(1));
        assertThat(handled).containsExactly(m.id());
    }

    @Test
    void lagAndInFlightGaugesFollowTheBrokerOffTheHotPath() throws Exception {
        String t = topic("lag");
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(t, SubscribeOptions.group("slow"), d -> {
            if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
            handled.add(d.id());
        });
        int n = 5;
        for (int i = 0; i < n; i++) bus.publish(t, Message.of("Slow", "{}").withKey("k" + i)).join();
        await("lag gauge shows what the group has not completed").atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(gauge(LAG, t)).isEqualTo((double) n));
        double byPartition = search(PARTITION_LAG, t).gauges().stream().mapToDouble(Gauge::value).sum();
        assertThat(byPartition).isEqualTo(n);
        await("the handler holds a message (the lag can reach n before the consumer's first fetch)")
                .atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(gauge(IN_FLIGHT, t)).isPositive());
        release.countDown();
        await("lag back to zero").atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(gauge(LAG, t)).isZero());
        assertThat(handled).hasSize(n);
    }

    @Test
    void aRegistryThatThrowsFailsNeitherPublishesNorHandlersNorThePoller() {
        MeterRegistry broken = new SimpleMeterRegistry();
        broken.config().meterFilter(new MeterFilter() {
            @Override public Meter.Id map(Meter.Id id) { throw new IllegalStateException("registry down: " + id.getName()); }
        });
        Messaging m = connect(OmnibusMetrics.builder(broken).lagInterval(Duration.ofMillis(50)).build().observer());
        String t = topic("broken");
        List<String> handled = new CopyOnWriteArrayList<>();
        m.subscribe(t, SubscribeOptions.group("broken"), d -> handled.add(d.id()));
        Message msg = Message.of("Still", "{}");
        assertThat(m.publish(t, msg).orTimeout(30, TimeUnit.SECONDS).join().messageId()).isEqualTo(msg.id());
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains(msg.id()));
        assertThat(broken.getMeters()).isEmpty();
    }
}
