package dev.omnibus.bench;

import dev.omnibus.Messaging;
import dev.omnibus.bench.internal.ScheduledLateness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny real run of the lateness figure on the in-memory broker: asserts what comes out, never speed. */
class ScheduledLatenessTest {
    @Test void everyScheduledMessageArrivesAndNoneEarly() {
        try (Messaging bus = Messaging.connect("memory://scheduled-lateness")) {
            ScheduledLateness.Result r = ScheduledLateness.run(bus, 300, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(30));
            assertThat(r.received()).isEqualTo(300);
            assertThat(r.early()).isZero();
            assertThat(r.max()).isGreaterThanOrEqualTo(r.p99()).isGreaterThanOrEqualTo(r.p50());
            assertThat(r.markdown("memory")).startsWith("| memory | 300 over PT1S | 300 | 0 |");
        }
    }
}
