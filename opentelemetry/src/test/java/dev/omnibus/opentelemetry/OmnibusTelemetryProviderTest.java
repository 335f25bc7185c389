package dev.omnibus.opentelemetry;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.SubscribeOptions;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With the module on the class path and no wiring, an instance is traced with {@link GlobalOpenTelemetry}. */
class OmnibusTelemetryProviderTest {
    @Test
    void serviceLoaderWiresGlobalOpenTelemetry() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        GlobalOpenTelemetry.resetForTest();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).buildAndRegisterGlobal();
             Messaging bus = Messaging.connect("memory://provider-" + UUID.randomUUID())) {
            String t = "provided-" + UUID.randomUUID();
            bus.subscribe(t, SubscribeOptions.group("g"), d -> { });
            bus.publish(t, Message.of("Provided", "{}")).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> exporter.getFinishedSpanItems().stream()
                    .anyMatch(s -> s.getName().equals("process " + t)));
            SpanData send = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("send " + t)).findFirst().orElseThrow();
            SpanData process = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("process " + t)).findFirst().orElseThrow();
            assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }
}
