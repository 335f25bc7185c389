package dev.omnibus.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {
    @Test void idsAreUniqueVersion7AndStrictlyIncreasingInText() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) ids.add(Ids.newId());
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        for (int i = 1; i < ids.size(); i++) assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        UUID u = UUID.fromString(ids.get(0));
        assertThat(u.version()).isEqualTo(7);
        assertThat(u.variant()).isEqualTo(2);
        long millis = u.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1_000);
    }

    @Test void idsFromManyThreadsAreUniqueAndTheirRandomBitsDiffer() throws Exception {
        int threads = 8, each = 25_000;
        java.util.Set<String> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<Long> lowBits = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    UUID u = Ids.newUuid();
                    all.add(u.toString());
                    lowBits.add(u.getLeastSignificantBits());
                    assertThat(u.version()).isEqualTo(7);
                    assertThat(u.variant()).isEqualTo(2);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) w.join();
        assertThat(all).hasSize(threads * each);
        assertThat(lowBits).as("62 random bits per id, independently seeded per thread").hasSize(threads * each);
    }
}
