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

    /** {@code sampleRatio}: the fraction of new traces sampled (parent-based), 1 = every span. */
    Instrumentation(double sampleRatio) {
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
        observers = List.of(OmnibusTelemetry.create(sdk).observer(), OmnibusMetrics.create(registry).observer());
    }

    List<MessagingObserver> observers() { return observers; }

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
