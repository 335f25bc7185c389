package dev.omnibus.micrometer;

import dev.omnibus.MessagingConfig;
import dev.omnibus.micrometer.internal.MetricsObserver;
import dev.omnibus.observation.MessagingObserver;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Objects;

/**
 * Metrics for Omnibus on Micrometer, the one entry point of this module:
 * <pre>{@code
 * OmnibusMetrics metrics = OmnibusMetrics.create(registry);
 * Messaging bus = Messaging.connect(MessagingConfig.builder(url).observer(metrics.observer()).build());
 * }</pre>
 * Without explicit wiring, {@link OmnibusMetricsProvider} does the same with Micrometer's global
 * registry for every instance (ServiceLoader).
 *
 * <p>Meter names follow the OpenTelemetry messaging semantic conventions where they exist
 * ({@code messaging.client.sent.messages}, {@code messaging.client.consumed.messages},
 * {@code messaging.client.operation.duration}, {@code messaging.process.duration}); Omnibus's own are
 * under {@code omnibus.} (retries, dead letters, invalid envelopes, duplicates, publish failures,
 * end-to-end latency, in-flight and consumer lag gauges). Tags are bounded: system, topic, group,
 * publish kind, settle reason and exception class, never message ids or keys. Lag and in-flight are
 * polled from {@code Messaging.lag} and {@code Messaging.health()} on a background thread every
 * {@link Builder#lagInterval}, never on the publish or handler path. The full table is in
 * docs/observability.md. Thread-safe; one instance serves any number of {@code Messaging} instances.
 */
public final class OmnibusMetrics {
    private final MessagingObserver observer;

    private OmnibusMetrics(Builder b) { this.observer = new MetricsObserver(b.registry, b.lagInterval); }

    /** Metrics in {@code registry}, lag polled every 15 seconds. */
    public static OmnibusMetrics create(MeterRegistry registry) { return builder(registry).build(); }

    /** A builder for metrics in {@code registry}. */
    public static Builder builder(MeterRegistry registry) { return new Builder(registry); }

    /** The observer to register with {@link MessagingConfig.Builder#observer}. */
    public MessagingObserver observer() { return observer; }

    /** Settings of {@link OmnibusMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Duration lagInterval = Duration.ofSeconds(15);

        private Builder(MeterRegistry registry) { this.registry = Objects.requireNonNull(registry, "registry"); }

        /**
         * How often lag and in-flight gauges are refreshed (one broker round trip per group and topic
         * each time); default 15 s; {@link Duration#ZERO} turns polling off.
         */
        public Builder lagInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("lagInterval must be zero (off) or positive, was " + interval);
            }
            this.lagInterval = interval;
            return this;
        }

        public OmnibusMetrics build() { return new OmnibusMetrics(this); }
    }
}
