package dev.omnibus.spi;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link NameCache}: one mapping per kept name, shared results, and a bound that a flood of new names cannot pass. */
class NameCacheTest {
    @Test
    void mapsEachKeptNameOnceAndSharesTheResult() {
        AtomicInteger calls = new AtomicInteger();
        NameCache cache = NameCache.of(n -> { calls.incrementAndGet(); return n.substring(3); });
        String first = cache.get("ce_traceparent");
        String second = cache.get(new String("ce_traceparent"));
        assertThat(first).isEqualTo("traceparent").isSameAs(second);
        assertThat(calls).hasValue(1);
    }

    @Test
    void namesBeyondTheCapacityAreMappedEveryTimeAndNeverKept() {
        AtomicInteger calls = new AtomicInteger();
        NameCache cache = NameCache.of(n -> { calls.incrementAndGet(); return "x" + n; }, 2);
        for (int i = 0; i < 100; i++) assertThat(cache.get("n" + i)).isEqualTo("xn" + i);
        assertThat(cache.size()).isEqualTo(2);
        calls.set(0);
        cache.get("n0");
        cache.get("n1");
        assertThat(calls).as("the first two names were kept").hasValue(0);
        cache.get("n50");
        cache.get("n50");
        assertThat(calls).as("a name past the capacity is mapped on every call").hasValue(2);
    }

    @Test
    void refusesANullResultNamingTheName() {
        NameCache cache = NameCache.of(n -> null);
        assertThatThrownBy(() -> cache.get("ce_x")).isInstanceOf(NullPointerException.class).hasMessageContaining("ce_x");
    }

    @Test
    void refusesANegativeCapacity() {
        assertThatThrownBy(() -> NameCache.of(n -> n, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
