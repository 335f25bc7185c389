package dev.omnibus.rabbitmq.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The broker-side delay infrastructure (docs/drivers/rabbitmq.md, "Delays"): RabbitMQ 3.10 has no delayed
 * delivery, so a delay is a walk through {@link #LEVELS} levels of TTL queues with dead-letter exchanges,
 * needing no consumer process.
 * <ul>
 *   <li>A delay is a whole number of {@link #UNIT}s (rounded up, so never early), written as {@link #LEVELS}
 *       binary digits, most significant first, at the start of the routing key:
 *       {@code d31.d30.….d0.<destination>}.</li>
 *   <li>Level {@code k} is a durable topic exchange and a durable classic queue, both named
 *       {@code omnibus-delay:kk}; the queue has {@code x-message-ttl = 2^k units} and dead-letters (keeping the
 *       routing key) to the exchange of level {@code k-1}, level 0 to the delivery exchange
 *       {@link #DELIVER}. Exchange {@code k} routes a key whose digit {@code k} is 1 to its queue (the message
 *       waits {@code 2^k} units) and one whose digit is 0 straight on to exchange {@code k-1} (an
 *       exchange-to-exchange binding). The time spent is the sum of the set digits' TTLs: the delay.</li>
 *   <li>Every message of a level's queue has the same TTL and they expire in arrival order, so per-queue TTL
 *       (unlike per-message TTL, which only expires at the head) is exact.</li>
 *   <li>Destinations in {@link #DELIVER}, after the digits: {@code s.<bucket>.<hash(topic)>} (scheduled
 *       delivery: bound to the topic's exchange, whose group queues bind {@code <digits>.*.<bucket>.*} next
 *       to their bucket) and {@code q.<bucket>.<hash(queue)>} (delayed redelivery: bound to that one queue).
 *       Names are hashed so that any topic or queue name fits the 255-byte routing key.</li>
 * </ul>
 * The level count and unit are part of the wire contract (bindings match fixed word positions): changing
 * them needs new names.
 */
public final class DelayLevels {
    /** Number of levels (binary digits of a delay). */
    public static final int LEVELS = 32;
    /** The granularity of a delay: a delay is rounded up to a multiple of this. */
    public static final Duration UNIT = Duration.ofMillis(100);
    /** The longest delay: {@code 2^LEVELS - 1} units (about 13.6 years). */
    public static final long MAX_UNITS = (1L << LEVELS) - 1;
    /** The longest delay as a duration. */
    public static final Duration MAX_DELAY = UNIT.multipliedBy(MAX_UNITS);
    /** Prefix of every exchange and queue of the infrastructure (no topic or group name can contain ':'). */
    public static final String PREFIX = "omnibus-delay:";
    /** The exchange every delayed message reaches when due; it routes to the destination. */
    public static final String DELIVER = PREFIX + "deliver";
    /** Destination kind of a scheduled publish (to a topic). */
    static final String SCHEDULED = "s";
    /** Destination kind of a delayed redelivery (to one queue). */
    static final String REDELIVERY = "q";

    private DelayLevels() {}

    /** The exchange, and the queue, of level {@code k}: {@code omnibus-delay:07}. */
    public static String level(int k) {
        if (k < 0 || k >= LEVELS) throw new IllegalArgumentException("level " + k + " outside 0.." + (LEVELS - 1));
        return PREFIX + (k < 10 ? "0" : "") + k;
    }

    /** True for the names of the infrastructure's exchanges and queues. */
    public static boolean isDelayInfrastructure(String name) { return name != null && name.startsWith(PREFIX); }

    /** Units from {@code now} until {@code due}, rounded up (never early); 0 when due is not after now. */
    public static long unitsUntil(Instant due, Instant now) {
        Duration d = Duration.between(now, due);
        if (d.isNegative() || d.isZero()) return 0;
        return unitsOf(d);
    }

    /** A duration in units, rounded up; 0 for zero or negative. */
    public static long unitsOf(Duration d) {
        if (d.isNegative() || d.isZero()) return 0;
        long unitNanos = UNIT.toNanos();
        // (seconds, nanos) without overflow for any duration up to MAX_DELAY and beyond
        long units = d.getSeconds() * (1_000_000_000L / unitNanos);
        long nanos = d.getNano();
        units += nanos / unitNanos + (nanos % unitNanos == 0 ? 0 : 1);
        return units;
    }

    /** The level a message delayed by {@code units} is published to: its highest set digit. */
    public static int entryLevel(long units) {
        if (units <= 0 || units > MAX_UNITS) throw new IllegalArgumentException("delay of " + units + " units outside 1.." + MAX_UNITS);
        return 63 - Long.numberOfLeadingZeros(units);
    }

    /** The {@link #LEVELS} digits of {@code units}, most significant first, dot-separated. */
    static String digits(long units) {
        StringBuilder sb = new StringBuilder(LEVELS * 2);
        for (int k = LEVELS - 1; k >= 0; k--) {
            sb.append((units >>> k & 1) == 1 ? '1' : '0');
            if (k > 0) sb.append('.');
        }
        return sb.toString();
    }

    /** {@link #LEVELS} single-word wildcards, with {@code digit} at the position of level {@code k} if k >= 0. */
    private static String pattern(int k, char digit) {
        StringBuilder sb = new StringBuilder(LEVELS * 2);
        for (int i = LEVELS - 1; i >= 0; i--) {
            sb.append(i == k ? digit : '*');
            if (i > 0) sb.append('.');
        }
        return sb.toString();
    }

    /** Binding from exchange {@code k} to queue {@code k}: digit k is 1. */
    static String waitKey(int k) { return pattern(k, '1') + ".#"; }

    /** Binding from exchange {@code k} onward (to exchange k-1 or {@link #DELIVER}): digit k is 0. */
    static String passKey(int k) { return pattern(k, '0') + ".#"; }

    /** The routing key of a scheduled publish to a topic. */
    public static String scheduledKey(long units, int bucket, String topic) {
        return digits(units) + "." + SCHEDULED + "." + bucket + "." + hash(topic);
    }

    /** The routing key of a delayed redelivery to a queue. */
    public static String redeliveryKey(long units, int bucket, String queue) {
        return digits(units) + "." + REDELIVERY + "." + bucket + "." + hash(queue);
    }

    /** Binding from {@link #DELIVER} to the topic's exchange: its scheduled messages. */
    public static String topicBindingKey(String topic) { return pattern(-1, '*') + "." + SCHEDULED + ".*." + hash(topic); }

    /** Binding from {@link #DELIVER} to a queue: its delayed redeliveries. */
    public static String queueBindingKey(String queue) { return pattern(-1, '*') + "." + REDELIVERY + ".*." + hash(queue); }

    /**
     * Binding of a group's shard queue in its topic's exchange for bucket {@code b}: a due scheduled message
     * arrives there with the delay routing key, and the bucket decides the shard as for a normal publish.
     * (It also matches a redelivery's key, which reaches a topic exchange only through a quorum queue's
     * delivery-limit dead-lettering.)
     */
    public static String bucketBindingKey(int bucket) { return pattern(-1, '*') + ".*." + bucket + ".*"; }

    /** Declaration arguments of the level-{@code k} queue. */
    static Map<String, Object> queueArguments(int k) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "classic");
        args.put("x-message-ttl", UNIT.toMillis() << k);
        args.put("x-dead-letter-exchange", k == 0 ? DELIVER : level(k - 1));
        return args;
    }

    /** 16 hex digits of SHA-256 of the UTF-8 name: a routing-key word of fixed length for any name. */
    static String hash(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
