package dev.omnibus.micrometer.internal;

import dev.omnibus.Delivery;
import dev.omnibus.PublishReceipt;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import dev.omnibus.observation.PublishContext;
import dev.omnibus.observation.PublishKind;
import dev.omnibus.observation.PublishObservation;
import dev.omnibus.observation.SettleContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
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

    private static final String[] KINDS = Stream.of(PublishKind.values()).map(k -> k.name().toLowerCase(Locale.ROOT))
            .toArray(String[]::new);

    private final MeterRegistry registry;
    private final Duration lagInterval;
    /** system → topic → group (or kind) → meters: lookups hash the caller's strings, whose hashes are cached. */
    private final Map<String, Map<String, Map<String, ConsumerMeters>>> consumers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, ProducerMeters>>> producers = new ConcurrentHashMap<>();
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
        Map<String, ConsumerMeters> byGroup = consumers.computeIfAbsent(system, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(topic, k -> new ConcurrentHashMap<>());
        ConsumerMeters m = byGroup.get(g);
        return m != null ? m : byGroup.computeIfAbsent(g, k -> new ConsumerMeters(registry, system, topic, g));
    }

    private ProducerMeters producer(ObservedClient client, String topic, String kind) {
        String system = system(client);
        Map<String, ProducerMeters> byKind = producers.computeIfAbsent(system, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(topic, k -> new ConcurrentHashMap<>());
        ProducerMeters m = byKind.get(kind);
        return m != null ? m : byKind.computeIfAbsent(kind, k -> new ProducerMeters(registry, system, topic, kind));
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
        ProducerMeters m = producer(publish.client(), publish.topic(), KINDS[publish.kind().ordinal()]);
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
            Instant sent = d.message().time();
            Instant now = Instant.now();
            long latency = (now.getEpochSecond() - sent.getEpochSecond()) * 1_000_000_000L + (now.getNano() - sent.getNano());
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
            case REDELIVERY_SCHEDULED -> { m.redeliveries.increment(); return; } // it comes again: not consumed yet
            case DEAD_LETTERED -> m.deadLetters.increment();
            case INVALID_ENVELOPE -> { m.invalidDeadLetters.increment(); m.invalid.increment(); }
            case DUPLICATE -> m.duplicates.increment();
            default -> { }
        }
        m.consumed.increment();
    }

    /** Meters sharing the tags of one (system, topic, group) or (system, topic, kind). */
    private abstract static class Meters {
        final MeterRegistry registry;
        final Tags tags;

        Meters(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
        }

        Counter counter(String name, String description, String... extraTags) {
            return Counter.builder(name).description(description).tags(tags).tags(extraTags).register(registry);
        }

        Timer timer(String name, String description, String... extraTags) {
            return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS).tags(tags).tags(extraTags)
                    .register(registry);
        }
    }

    /** The meters of one topic and group. */
    private static final class ConsumerMeters extends Meters {
        private final Map<String, Timer> processDurations = new ConcurrentHashMap<>();
        final Counter consumed, retries, redeliveries, deadLetters, invalidDeadLetters, invalid, duplicates;
        final Timer endToEnd;

        ConsumerMeters(MeterRegistry registry, String system, String topic, String group) {
            super(registry, Tags.of(SYSTEM, system, DESTINATION, topic, GROUP, group));
            consumed = counter(CONSUMED, "Deliveries settled by the group");
            retries = counter(RETRIES, "Failed handler attempts retried in process");
            redeliveries = counter(REDELIVERIES, "Deliveries handed back to the broker for a delayed redelivery");
            deadLetters = counter(DEAD_LETTERS, "Deliveries dead-lettered", REASON, "handler_failed");
            invalidDeadLetters = counter(DEAD_LETTERS, "Deliveries dead-lettered", REASON, "invalid_envelope");
            invalid = counter(INVALID_ENVELOPES, "Deliveries that were not a valid envelope");
            duplicates = counter(DUPLICATES, "Deliveries skipped by the idempotency store");
            endToEnd = timer(END_TO_END_LATENCY, "Envelope time to the start of the first handler attempt");
        }

        Timer processDuration(String errorType) {
            return processDurations.computeIfAbsent(errorType, e -> timer(PROCESS_DURATION, "One handler attempt", ERROR_TYPE, e));
        }
    }

    /** The meters of one topic and publish kind. */
    private static final class ProducerMeters extends Meters {
        private final Map<String, Counter> failures = new ConcurrentHashMap<>();
        private final Map<String, Timer> failedDurations = new ConcurrentHashMap<>();
        final Counter sent;
        final Timer duration;

        ProducerMeters(MeterRegistry registry, String system, String topic, String kind) {
            super(registry, Tags.of(SYSTEM, system, DESTINATION, topic, KIND, kind));
            sent = counter(SENT, "Messages the broker confirmed", OPERATION, "send");
            duration = publishTimer("none");
        }

        private Timer publishTimer(String errorType) {
            return timer(OPERATION_DURATION, "Publish until the broker confirmed or refused it", OPERATION, "send", ERROR_TYPE, errorType);
        }

        Counter failure(String errorType) {
            return failures.computeIfAbsent(errorType, e -> counter(PUBLISH_FAILURES, "Publishes that failed", ERROR_TYPE, e));
        }

        Timer failedDuration(String errorType) { return failedDurations.computeIfAbsent(errorType, this::publishTimer); }
    }
}
