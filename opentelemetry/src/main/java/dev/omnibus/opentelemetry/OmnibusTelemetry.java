package dev.omnibus.opentelemetry;

import dev.omnibus.MessagingConfig;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.opentelemetry.internal.TracingObserver;
import io.opentelemetry.api.OpenTelemetry;

import java.util.Objects;

/**
 * Tracing for Omnibus on the OpenTelemetry API, the one entry point of this module:
 * <pre>{@code
 * OmnibusTelemetry telemetry = OmnibusTelemetry.create(openTelemetry);
 * Messaging bus = Messaging.connect(MessagingConfig.builder(url).observer(telemetry.observer()).build());
 * }</pre>
 * Without explicit wiring, {@link OmnibusTelemetryProvider} does the same with
 * {@link io.opentelemetry.api.GlobalOpenTelemetry} for every instance (ServiceLoader).
 *
 * <p>Spans follow the OpenTelemetry messaging semantic conventions: {@code send {topic}} (PRODUCER) for
 * every publish, dead letter, redrive, request and reply; {@code process {topic}} (CONSUMER) per
 * handler attempt, current on the worker thread so that publishes from the handler are its children;
 * {@code ack|nack {topic}} (CLIENT, operation type {@code settle}) per settlement. W3C trace context
 * travels in the message as the CloudEvents distributed-tracing extension ({@code traceparent},
 * {@code tracestate}) on every driver; see docs/observability.md for how it coexists with a plain
 * {@code traceparent} header written by other instrumentation. Immutable and thread-safe.
 */
public final class OmnibusTelemetry {
    /** Instrumentation scope name of the tracer. */
    public static final String INSTRUMENTATION_NAME = "dev.omnibus";

    private final MessagingObserver observer;

    private OmnibusTelemetry(Builder b) {
        this.observer = new TracingObserver(b.openTelemetry.getTracer(INSTRUMENTATION_NAME), b.settleSpans);
    }

    /** Tracing with {@code openTelemetry}'s tracer provider and default settings. */
    public static OmnibusTelemetry create(OpenTelemetry openTelemetry) { return builder(openTelemetry).build(); }

    /** A builder for tracing with {@code openTelemetry}. */
    public static Builder builder(OpenTelemetry openTelemetry) { return new Builder(openTelemetry); }

    /** The observer to register with {@link MessagingConfig.Builder#observer}; one serves any number of instances. */
    public MessagingObserver observer() { return observer; }

    /** Settings of {@link OmnibusTelemetry}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean settleSpans;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * Whether every settlement (ack/nack) gets its own {@code settle} span; default false. The
         * messaging conventions mark settle spans experimental, and they are a third span per message
         * (a third of the tracing cost, see docs/benchmarks.md); the outcome is an attribute of the
         * {@code process} span either way.
         */
        public Builder settleSpans(boolean settleSpans) { this.settleSpans = settleSpans; return this; }

        public OmnibusTelemetry build() { return new OmnibusTelemetry(this); }
    }
}
