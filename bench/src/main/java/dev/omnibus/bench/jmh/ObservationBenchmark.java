package dev.omnibus.bench.jmh;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import dev.omnibus.micrometer.OmnibusMetrics;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import dev.omnibus.observation.PublishContext;
import dev.omnibus.observation.PublishKind;
import dev.omnibus.observation.PublishObservation;
import dev.omnibus.observation.SettleContext;
import dev.omnibus.observation.SettleOutcome;
import dev.omnibus.opentelemetry.OmnibusTelemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What observation costs per message, without a broker: one operation is the whole life of one message
 * as the core drives the observers, publish ({@code publish}, the trace context stamped into the message,
 * {@code completed}) then consumption of that stamped message ({@code process}, {@code succeeded},
 * {@code close}, {@code settled}). {@code observers} picks the modules as {@code bench --observers} does
 * ({@code none}: the same contexts, deliveries and positions built with no observer, the baseline to subtract);
 * {@code sampleRatio} is the SDK's parent-based trace-id ratio (spans go to a batch processor and an
 * exporter that discards them, as in the bench's instrumented legs). Run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ObservationBenchmark {
    @Param({"none", "micrometer", "opentelemetry", "both"})
    public String observers;

    @Param({"1", "0.01"})
    public double sampleRatio;

    private final ObservedClient client = new ObservedClient("kafka", "kafka://127.0.0.1:9092", "127.0.0.1", 9092, null);
    private MessagingObserver[] all;
    private OpenTelemetrySdk sdk;
    private PrometheusMeterRegistry registry;
    private Message message;
    private PublishReceipt receipt;

    @Setup(Level.Trial)
    public void setUp() {
        List<MessagingObserver> chosen = new ArrayList<>();
        if (observers.equals("opentelemetry") || observers.equals("both")) {
            SpanExporter discarding = new SpanExporter() {
                @Override public CompletableResultCode export(Collection<SpanData> spans) { return CompletableResultCode.ofSuccess(); }
                @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }
                @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
            };
            sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                    .setSampler(sampleRatio >= 1 ? Sampler.parentBased(Sampler.alwaysOn())
                            : Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                    .addSpanProcessor(BatchSpanProcessor.builder(discarding).build()).build()).build();
            chosen.add(OmnibusTelemetry.create(sdk).observer());
        }
        if (observers.equals("micrometer") || observers.equals("both")) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            chosen.add(OmnibusMetrics.builder(registry).lagInterval(java.time.Duration.ZERO).build().observer());
        }
        all = chosen.toArray(MessagingObserver[]::new);
        message = Message.builder().type("com.acme.orders.OrderPlaced").key("order-42")
                .data(new byte[1024], "application/octet-stream").build();
        receipt = new PublishReceipt("orders", message.id(), Position.of("0", 42), Instant.now());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (sdk != null) sdk.close();
        if (registry != null) registry.close();
    }

    /** One message published and consumed, observed by the chosen modules; returns the stamped message. */
    @Benchmark
    public Message publishAndConsume() {
        PublishContext publish = new PublishContext(client, "orders", message, PublishKind.PUBLISH, null);
        PublishObservation[] published = new PublishObservation[all.length];
        Message stamped = message;
        for (int i = 0; i < all.length; i++) {
            published[i] = all[i].publish(publish);
            stamped = stamped.withExtensions(published[i].extensions());
        }
        for (PublishObservation p : published) p.completed(receipt);

        Delivery delivery = new Delivery(stamped, "orders", "billing", Position.of("0", 42), 1, 1, Instant.now());
        ProcessContext process = new ProcessContext(client, delivery, 3);
        ProcessObservation[] processed = new ProcessObservation[all.length];
        for (int i = 0; i < all.length; i++) processed[i] = all[i].process(process);
        for (ProcessObservation p : processed) p.succeeded();
        SettleContext settle = new SettleContext(client, "orders", "billing", stamped, SettleOutcome.COMPLETED, 1);
        for (MessagingObserver o : all) o.settled(settle);
        for (int i = processed.length - 1; i >= 0; i--) processed[i].close();
        return stamped;
    }
}
