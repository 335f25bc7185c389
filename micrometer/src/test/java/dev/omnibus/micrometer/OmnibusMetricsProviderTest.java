package dev.omnibus.micrometer;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.SubscribeOptions;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With the module on the class path and no wiring, an instance is metered into Micrometer's global registry. */
class OmnibusMetricsProviderTest {
    @Test
    void serviceLoaderWiresTheGlobalRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        try (Messaging bus = Messaging.connect("memory://provider-" + UUID.randomUUID())) {
            String t = "provided-" + UUID.randomUUID();
            bus.subscribe(t, SubscribeOptions.group("g"), d -> { });
            bus.publish(t, Message.of("Provided", "{}")).join();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(registry.find(MeterNames.CONSUMED)
                    .tag(MeterNames.DESTINATION, t).counter()).isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1)));
            assertThat(registry.find(MeterNames.SENT).tag(MeterNames.DESTINATION, t).counter().count()).isEqualTo(1);
        } finally {
            Metrics.removeRegistry(registry);
        }
    }
}
