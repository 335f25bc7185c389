package dev.omnibus.bench.internal;

import dev.omnibus.micrometer.OmnibusMetrics;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.opentelemetry.OmnibusTelemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Both observation modules as a production set-up would run them, for the instrumented Omnibus leg:
 * {@code omnibus-opentelemetry} on the OpenTelemetry SDK (every span sampled unless a ratio is given, batch span processor,
 * an exporter that counts and discards, so no network sits in the figures) and
 * {@code omnibus-micrometer} on a Prometheus registry (lag polled every 15 s). One per leg.
 */
final class Instrumentation implements AutoCloseable {
    private final AtomicLong exported = new AtomicLong();
    private final OpenTelemetrySdk sdk;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<MessagingObserver> observers;

    private final double sampleRatio;
    private final java.util.Set<String> modules;

    /** The modules in use, for reports. */
    String describe() {
        List<String> parts = new java.util.ArrayList<>();
        if (modules.contains("opentelemetry")) parts.add("omnibus-opentelemetry (SDK, " + sampling() + ", batch processor)");
        if (modules.contains("micrometer")) parts.add("omnibus-micrometer (Prometheus registry)");
        return String.join(" and ", parts);
    }

    /** {@code sampleRatio}: the fraction of new traces sampled (parent-based), 1 = every span. */
    Instrumentation(double sampleRatio) { this(sampleRatio, java.util.Set.of("opentelemetry", "micrometer")); }

    /** As above with only the named modules ({@code opentelemetry}, {@code micrometer}), to separate their costs. */
    Instrumentation(double sampleRatio, java.util.Set<String> modules) {
        this.modules = java.util.Set.copyOf(modules);
        this.sampleRatio = sampleRatio;
        SpanExporter discarding = new SpanExporter() {
            @Override public CompletableResultCode export(Collection<SpanData> spans) {
                exported.addAndGet(spans.size());
                return CompletableResultCode.ofSuccess();
            }
            @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }
            @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
        };
        sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(sampleRatio >= 1 ? Sampler.parentBased(Sampler.alwaysOn())
                        : Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                .addSpanProcessor(BatchSpanProcessor.builder(discarding).setScheduleDelay(Duration.ofMillis(200)).build())
                .build()).build();
        List<MessagingObserver> chosen = new java.util.ArrayList<>();
        if (this.modules.contains("opentelemetry")) chosen.add(OmnibusTelemetry.create(sdk).observer());
        if (this.modules.contains("micrometer")) chosen.add(OmnibusMetrics.create(registry).observer());
        observers = List.copyOf(chosen);
    }

    List<MessagingObserver> observers() { return observers; }

    /** The SDK the tracing side records to, for a native client traced by OpenTelemetry's own instrumentation. */
    OpenTelemetrySdk openTelemetry() { return sdk; }

    /** How spans are sampled, for reports. */
    String sampling() {
        return sampleRatio >= 1 ? "every span sampled" : "parent-based trace-id ratio " + sampleRatio;
    }

    /** Spans handed to the exporter so far (proof that tracing ran). */
    long exportedSpans() { return exported.get(); }

    @Override
    public void close() {
        sdk.close();
        registry.close();
    }
}
