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
 * The delay infrastructure (docs/drivers/rabbitmq.md, "Delays"): RabbitMQ 3.10 has no delayed delivery, so a
 * delay is a walk through {@link #LEVELS} levels of queues, each message held in a level until its time there
 * is up and then moved on by a {@link DelayRelay}, which acknowledges it only once the next hop confirmed it.
 * <ul>
 *   <li>A delay is a whole number of {@link #UNIT}s (rounded up, so never early), written as {@link #LEVELS}
 *       binary digits, most significant first, at the start of the routing key:
 *       {@code d31.d30.….d0.<destination>}; the absolute due time travels in the {@link #DUE_HEADER}
 *       header.</li>
 *   <li>Level {@code k} is a durable topic exchange and a durable classic queue, both named
 *       {@code omnibus-delay:relay:kk}. Exchange {@code k} routes a key whose digit {@code k} is 1 to its queue
 *       (the message waits there until {@link #leaveAtMillis}, its due time less the lower digits' units)
 *       and one whose digit is 0 straight on to exchange {@code k-1} (an exchange-to-exchange binding); level
 *       0 leads to the delivery exchange {@link #DELIVER}. The relay republishes a message leaving level
 *       {@code k} to exchange {@code k-1} with its routing key unchanged.</li>
 *   <li>Every message of a level waits there for the same {@code 2^k} units, so messages leave a level in
 *       arrival order and the relay only ever waits for the head of each queue.</li>
 *   <li>Destinations in {@link #DELIVER}, after the digits: {@code s.<bucket>.<hash(topic)>} (scheduled
 *       delivery: bound to the topic's exchange, whose group queues bind {@code <digits>.*.<bucket>.*} next
 *       to their bucket) and {@code q.<bucket>.<hash(queue)>} (delayed redelivery: bound to that one queue).
 *       Names are hashed so that any topic or queue name fits the 255-byte routing key.</li>
 * </ul>
 * The level count and unit are part of the wire contract (bindings match fixed word positions): changing
 * them needs new names. (Versions before the relay used TTL queues named {@code omnibus-delay:kk} that
 * dead-lettered on their own, at most once; what is left in them still drains into {@link #DELIVER}.)
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
    /** Prefix of the levels' exchanges and queues. */
    static final String LEVEL_PREFIX = PREFIX + "relay:";
    /** Header carrying a delayed message's due time, in epoch milliseconds (a long). */
    public static final String DUE_HEADER = "omnibus-delay-due";
    /** Destination kind of a scheduled publish (to a topic). */
    static final String SCHEDULED = "s";
    /** Destination kind of a delayed redelivery (to one queue). */
    static final String REDELIVERY = "q";

    private DelayLevels() {}

    /** The exchange, and the queue, of level {@code k}: {@code omnibus-delay:relay:07}. */
    public static String level(int k) {
        if (k < 0 || k >= LEVELS) throw new IllegalArgumentException("level " + k + " outside 0.." + (LEVELS - 1));
        return LEVEL_PREFIX + (k < 10 ? "0" : "") + k;
    }

    /** Where a message leaving level {@code k} goes: exchange {@code k-1}, or {@link #DELIVER} from level 0. */
    static String next(int k) { return k == 0 ? DELIVER : level(k - 1); }

    /**
     * When a message must leave level {@code k}: its due time less the units of the digits below {@code k} in
     * its routing key (the time it still spends in the lower levels). A key too short to hold the digits
     * leaves at {@code dueMillis}.
     */
    static long leaveAtMillis(int k, String routingKey, long dueMillis) {
        if (routingKey == null || routingKey.length() < LEVELS * 2 - 1) return dueMillis;
        long lower = 0;
        for (int i = 0; i < k; i++) {
            if (routingKey.charAt((LEVELS - 1 - i) * 2) == '1') lower |= 1L << i;
        }
        return dueMillis - lower * UNIT.toMillis();
    }

    /** An instant in epoch milliseconds, rounded up (so a relay waiting for it is never early). */
    static long ceilMillis(Instant t) {
        long ms = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
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

    /**
     * Declaration arguments of a level queue: classic (a relay holds its head unacknowledged, and a classic
     * queue recovers a broker SIGKILL on RabbitMQ 3.10 where a quorum queue with a consumer did not), no TTL
     * and no dead-lettering (the relay moves messages).
     */
    static Map<String, Object> queueArguments(int k) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "classic");
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
