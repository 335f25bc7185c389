package dev.omnibus.micrometer.internal;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import dev.omnibus.observation.PublishContext;
import dev.omnibus.observation.PublishObservation;
import dev.omnibus.observation.SettleContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.omnibus.micrometer.MeterNames.*;

/**
 * The meters of {@code OmnibusMetrics}. Meters are built once per (system, topic, group) or (system,
 * topic, kind) and cached, so the hot path is a map lookup plus the meter updates; lag and in-flight
 * gauges are refreshed by a {@link LagPoller} per instance.
 */
public final class MetricsObserver implements MessagingObserver {
    /** Histogram buckets of every duration: the OpenTelemetry messaging conventions' recommendation (seconds). */
    static final Duration[] BUCKETS = Stream.of(5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Duration lagInterval;
    private final Map<String, ConsumerMeters> consumers = new ConcurrentHashMap<>();
    private final Map<String, ProducerMeters> producers = new ConcurrentHashMap<>();
    private final Map<ObservedClient, LagPoller> pollers = new ConcurrentHashMap<>();

    public MetricsObserver(MeterRegistry registry, Duration lagInterval) {
        this.registry = registry;
        this.lagInterval = lagInterval;
    }

    static String system(ObservedClient client) { return client == null ? "unknown" : client.system(); }

    static String errorType(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t.getClass().getName();
    }

    private ConsumerMeters consumer(ObservedClient client, String topic, String group) {
        String system = system(client);
        String g = group == null ? "" : group;
        return consumers.computeIfAbsent(system + '\u0000' + topic + '\u0000' + g, k -> new ConsumerMeters(registry, system, topic, g));
    }

    private ProducerMeters producer(ObservedClient client, String topic, String kind) {
        String system = system(client);
        return producers.computeIfAbsent(system + '\u0000' + topic + '\u0000' + kind, k -> new ProducerMeters(registry, system, topic, kind));
    }

    @Override
    public void connected(ObservedClient client) {
        if (lagInterval.isZero()) return;
        pollers.computeIfAbsent(client, c -> new LagPoller(registry, c, lagInterval)).start();
    }

    @Override
    public void closed(ObservedClient client) {
        LagPoller p = pollers.remove(client);
        if (p != null) p.close();
    }

    @Override
    public PublishObservation publish(PublishContext publish) {
        ProducerMeters m = producer(publish.client(), publish.topic(), publish.kind().name().toLowerCase(Locale.ROOT));
        long start = System.nanoTime();
        return new PublishObservation() {
            @Override public void completed(PublishReceipt receipt) {
                m.sent.increment();
                m.duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }

            @Override public void failed(Throwable error) {
                String type = errorType(error);
                m.failure(type).increment();
                m.failedDuration(type).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        };
    }

    @Override
    public ProcessObservation process(ProcessContext process) {
        Delivery d = process.delivery();
        ConsumerMeters m = consumer(process.client(), d.topic(), d.group());
        long start = System.nanoTime();
        if (d.attempt() == 1) {
            Message message = d.message();
            long latency = Duration.between(message.time(), Instant.now()).toNanos();
            if (latency >= 0) m.endToEnd.record(latency, TimeUnit.NANOSECONDS);
        }
        return new ProcessObservation() {
            private String error = "none";

            @Override public void failed(Throwable e, boolean willRetry) {
                error = errorType(e);
                if (willRetry) m.retries.increment();
            }

            @Override public void close() {
                m.processDuration(error).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        };
    }

    @Override
    public void settled(SettleContext settle) {
        ConsumerMeters m = consumer(settle.client(), settle.topic(), settle.group());
        switch (settle.outcome()) {
            case GIVEN_BACK -> { return; }
            case DEAD_LETTERED -> m.deadLetters.increment();
            case INVALID_ENVELOPE -> { m.invalidDeadLetters.increment(); m.invalid.increment(); }
            case DUPLICATE -> m.duplicates.increment();
            default -> { }
        }
        m.consumed.increment();
    }

    /** The meters of one topic and group. */
    private static final class ConsumerMeters {
        private final MeterRegistry registry;
        private final String system, topic, group;
        private final Map<String, Timer> processDurations = new ConcurrentHashMap<>();
        final Counter consumed, retries, deadLetters, invalidDeadLetters, invalid, duplicates;
        final Timer endToEnd;

        ConsumerMeters(MeterRegistry registry, String system, String topic, String group) {
            this.registry = registry;
            this.system = system;
            this.topic = topic;
            this.group = group;
            consumed = counter(CONSUMED, "Deliveries settled by the group");
            retries = counter(RETRIES, "Failed handler attempts retried in process");
            deadLetters = Counter.builder(DEAD_LETTERS).description("Deliveries dead-lettered")
                    .tags(SYSTEM, system, DESTINATION, topic, GROUP, group, REASON, "handler_failed").register(registry);
            invalidDeadLetters = Counter.builder(DEAD_LETTERS).description("Deliveries dead-lettered")
                    .tags(SYSTEM, system, DESTINATION, topic, GROUP, group, REASON, "invalid_envelope").register(registry);
            invalid = counter(INVALID_ENVELOPES, "Deliveries that were not a valid envelope");
            duplicates = counter(DUPLICATES, "Deliveries skipped by the idempotency store");
            endToEnd = Timer.builder(END_TO_END_LATENCY).description("Envelope time to the start of the first handler attempt")
                    .serviceLevelObjectives(BUCKETS).tags(SYSTEM, system, DESTINATION, topic, GROUP, group).register(registry);
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).tags(SYSTEM, system, DESTINATION, topic, GROUP, group).register(registry);
        }

        Timer processDuration(String errorType) {
            return processDurations.computeIfAbsent(errorType, e -> Timer.builder(PROCESS_DURATION)
                    .description("One handler attempt").serviceLevelObjectives(BUCKETS).tags(SYSTEM, system, DESTINATION, topic, GROUP, group, ERROR_TYPE, e)
                    .register(registry));
        }
    }

    /** The meters of one topic and publish kind. */
    private static final class ProducerMeters {
        private final MeterRegistry registry;
        private final String system, topic, kind;
        private final Map<String, Counter> failures = new ConcurrentHashMap<>();
        private final Map<String, Timer> failedDurations = new ConcurrentHashMap<>();
        final Counter sent;
        final Timer duration;

        ProducerMeters(MeterRegistry registry, String system, String topic, String kind) {
            this.registry = registry;
            this.system = system;
            this.topic = topic;
            this.kind = kind;
            sent = Counter.builder(SENT).description("Messages the broker confirmed")
                    .tags(SYSTEM, system, DESTINATION, topic, OPERATION, "send", KIND, kind).register(registry);
            duration = timer("none");
        }

        private Timer timer(String errorType) {
            return Timer.builder(OPERATION_DURATION).description("Publish until the broker confirmed or refused it")
                    .serviceLevelObjectives(BUCKETS).tags(SYSTEM, system, DESTINATION, topic, OPERATION, "send", KIND, kind, ERROR_TYPE, errorType)
                    .register(registry);
        }

        Counter failure(String errorType) {
            return failures.computeIfAbsent(errorType, e -> Counter.builder(PUBLISH_FAILURES).description("Publishes that failed")
                    .tags(SYSTEM, system, DESTINATION, topic, KIND, kind, ERROR_TYPE, e).register(registry));
        }

        Timer failedDuration(String errorType) { return failedDurations.computeIfAbsent(errorType, this::timer); }
    }
}
