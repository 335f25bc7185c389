package dev.omnibus.kafka.internal;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The delay tiers: Kafka has no broker-side delay, so a delayed record waits in one of a few topics with a
 * FIXED delay each ({@code omnibus.delay.1s}, {@code .5s}, {@code .30s}, {@code .2m}, {@code .10m}, {@code .1h},
 * {@code .6h}, {@code .1d}). A record enters the largest tier not longer than its remaining delay, so its
 * "hold until" time ({@code enteredAt + tier}) never passes its due time, and because the tier's delay is
 * fixed, hold-until times grow with the offset within a partition: a forwarder only waits for the head. When
 * the hold ends the {@link DelayForwarder} moves the record to the next tier that fits, or to its target
 * topic once due. A remainder shorter than the smallest tier is held by the forwarder in memory (uncommitted,
 * so a crash loses nothing).
 *
 * <p>Headers on a tier record (the rest is the original record: key, value, CloudEvents headers):
 * {@link #TARGET} (the topic it goes to when due), {@link #DUE} (epoch ms), {@link #HOLD_UNTIL} (epoch ms,
 * when the forwarder looks at it again).
 */
final class DelayTiers {
    /** The tier delays, ascending. */
    static final List<Duration> TIERS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1));
    /** Prefix of every tier topic. */
    static final String PREFIX = "omnibus.delay.";
    /** The consumer group of every forwarder on the cluster. */
    static final String GROUP = "omnibus-scheduler";
    /** Longest accepted delay: a record longer than the top tier cycles through it (one hop a day). */
    static final Duration MAX_DELAY = Duration.ofDays(90);
    /** Tier topics keep records this long at least (longer than any tier), so a cluster without forwarders for a week loses nothing. */
    static final Duration MIN_RETENTION = Duration.ofDays(7);

    static final String TARGET = "omnibus_delay_target";
    static final String DUE = "omnibus_delay_due";
    static final String HOLD_UNTIL = "omnibus_delay_hold_until";
    /** When the publisher handed it over (epoch ms): orders records with one due time in publish order. */
    static final String PUBLISHED = "omnibus_delay_published";

    private DelayTiers() {}

    static String topicOf(Duration tier) {
        long s = tier.toSeconds();
        String name = s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
        return PREFIX + name;
    }

    static List<String> topics() { return TIERS.stream().map(DelayTiers::topicOf).toList(); }

    static boolean isTier(String topic) { return topic.startsWith(PREFIX); }

    /** Retention of a tier topic: at least a week, and at least four times the tier. */
    static Duration retentionOf(Duration tier) {
        Duration fourfold = tier.multipliedBy(4);
        return fourfold.compareTo(MIN_RETENTION) > 0 ? fourfold : MIN_RETENTION;
    }

    /** Where a record with {@code remainingMs} to wait goes next, and until when it is held there. */
    record Hop(String topic, long holdUntil) {}

    /**
     * The largest tier not longer than the remaining time; when even the smallest is longer, the smallest tier
     * with the hold ending at the due time (the forwarder then keeps it in memory for the rest).
     */
    static Hop next(long nowMs, long dueMs) {
        long remaining = dueMs - nowMs;
        for (int i = TIERS.size() - 1; i >= 0; i--) {
            long tier = TIERS.get(i).toMillis();
            if (tier <= remaining) return new Hop(topicOf(TIERS.get(i)), nowMs + tier);
        }
        return new Hop(topicOf(TIERS.get(0)), dueMs);
    }

    /** True when a remainder of {@code remainingMs} fits a tier (else the forwarder holds it in memory). */
    static boolean fitsATier(long remainingMs) { return remainingMs >= TIERS.get(0).toMillis(); }

    /** Sets the routing headers of a new delayed record, with its publish time. */
    static void route(Headers headers, String target, long dueMs, long holdUntilMs, long publishedMs) {
        route(headers, target, dueMs, holdUntilMs);
        headers.remove(PUBLISHED);
        headers.add(PUBLISHED, Long.toString(publishedMs).getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the routing headers (replacing earlier ones; the publish time stays). */
    static void route(Headers headers, String target, long dueMs, long holdUntilMs) {
        headers.remove(TARGET).remove(DUE).remove(HOLD_UNTIL);
        headers.add(TARGET, target.getBytes(StandardCharsets.UTF_8));
        headers.add(DUE, Long.toString(dueMs).getBytes(StandardCharsets.UTF_8));
        headers.add(HOLD_UNTIL, Long.toString(holdUntilMs).getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the routing headers (before the record goes to its target). */
    static void strip(Headers headers) { headers.remove(TARGET).remove(DUE).remove(HOLD_UNTIL).remove(PUBLISHED); }

    static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long millis(Headers headers, String name, long otherwise) {
        String v = text(headers, name);
        if (v == null) return otherwise;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
