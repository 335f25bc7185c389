package dev.omnibus.idempotency;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.omnibus.idempotency.IdempotencyStore.Claim.ALREADY_DONE;
import static dev.omnibus.idempotency.IdempotencyStore.Claim.CLAIMED;
import static dev.omnibus.idempotency.IdempotencyStore.Claim.IN_PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;

class InMemoryIdempotencyStoreTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };
    private final InMemoryIdempotencyStore store =
            new InMemoryIdempotencyStore(3, Duration.ofMinutes(10), Duration.ofSeconds(30), clock);

    @Test void claimCompleteRelease() {
        assertThat(store.claim("g", "a")).isEqualTo(CLAIMED);
        assertThat(store.claim("g", "a")).isEqualTo(IN_PROGRESS);
        assertThat(store.claim("other", "a")).as("groups are independent").isEqualTo(CLAIMED);
        store.complete("g", "a");
        assertThat(store.claim("g", "a")).isEqualTo(ALREADY_DONE);
        assertThat(store.claim("g", "b")).isEqualTo(CLAIMED);
        store.release("g", "b");
        assertThat(store.claim("g", "b")).isEqualTo(CLAIMED);
    }

    @Test void completedEntriesExpireAfterTheTtlAndClaimsAfterTheirTimeout() {
        store.claim("g", "a");
        store.complete("g", "a");
        store.claim("g", "b");
        now = now.plusSeconds(31);
        assertThat(store.claim("g", "b")).as("stale claim taken over").isEqualTo(CLAIMED);
        now = now.plus(Duration.ofMinutes(10));
        assertThat(store.claim("g", "a")).isEqualTo(CLAIMED);
    }

    @Test void staysWithinItsBound() {
        for (int i = 0; i < 10; i++) {
            store.claim("g", "m" + i);
            store.complete("g", "m" + i);
        }
        assertThat(store.size()).isLessThanOrEqualTo(3);
        assertThat(store.claim("g", "m9")).isEqualTo(ALREADY_DONE);
    }
}
