package dev.omnibus.bench.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.omnibus.bench.internal.LegCounters.Name.ACKED;
import static dev.omnibus.bench.internal.LegCounters.Name.RECEIVED;
import static dev.omnibus.bench.internal.LegCounters.Name.SENT;
import static org.assertj.core.api.Assertions.assertThat;

class LegCountersTest {
    @Test
    void countersAreIndependentAndExactUnderConcurrentWriters() {
        LegCounters c = new LegCounters();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> { for (int i = 0; i < 100_000; i++) c.increment(SENT); }, threads),
                    CompletableFuture.runAsync(() -> { for (int i = 0; i < 50_000; i++) c.increment(RECEIVED); }, threads),
                    CompletableFuture.runAsync(() -> { for (int i = 0; i < 50_000; i++) c.increment(RECEIVED); }, threads)).join();
        } finally {
            threads.shutdown();
        }
        assertThat(c.get(SENT)).isEqualTo(100_000);
        assertThat(c.get(RECEIVED)).isEqualTo(100_000); // two writers on one counter lose nothing
        assertThat(c.get(ACKED)).isZero();
        for (LegCounters.Name n : LegCounters.Name.values()) {
            if (n != SENT && n != RECEIVED) assertThat(c.get(n)).as(n.name()).isZero();
        }
    }
}
