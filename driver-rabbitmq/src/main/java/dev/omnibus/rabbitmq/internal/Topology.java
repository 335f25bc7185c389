package dev.omnibus.rabbitmq.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * How the neutral model maps onto RabbitMQ objects (documented in docs/drivers/rabbitmq.md):
 * <ul>
 *   <li>topic {@code t} = durable topic exchange {@code t};</li>
 *   <li>routing key = the key's bucket: {@code CRC32(UTF-8 key) mod 64} in decimal ({@code "17"}); a message
 *       without a key gets the next bucket round-robin;</li>
 *   <li>group {@code g} with {@code shards = n} = durable queues {@code t|g|i/n} for i in [0, n), single active
 *       consumer; queue {@code i} is bound with the buckets {@code b} where {@code b mod n == i}; with
 *       {@code n = 1} the one queue {@code t|g} is bound with {@code #} (every routing key);</li>
 *   <li>no group = exclusive, auto-delete, server-named queue bound with {@code #};</li>
 *   <li>stream mode: one stream {@code t|stream} per topic, bound with {@code #}, read by every subscription;</li>
 *   <li>delays: the levels {@code omnibus-delay:*} of {@link DelayLevels}; a shard queue is also bound with
 *       {@link DelayLevels#bucketBindingKey} for each of its buckets (due scheduled messages).</li>
 * </ul>
 */
public final class Topology {
    /** Number of routing buckets; a group can have at most this many shards. */
    public static final int BUCKETS = 64;
    /** Binding key matching every routing key of a topic exchange. */
    public static final String ALL = "#";

    private static final AtomicLong ROUND_ROBIN = new AtomicLong();

    private Topology() {}

    /** The bucket of an ordering key: {@code CRC32(UTF-8 bytes) mod 64}; round-robin when the key is null. */
    public static int bucket(String key) {
        if (key == null) return (int) Math.floorMod(ROUND_ROBIN.getAndIncrement(), (long) BUCKETS);
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % BUCKETS);
    }

    /** The routing key a message with this ordering key is published with. */
    public static String routingKey(String key) { return Integer.toString(bucket(key)); }

    /** The exchange of a topic. */
    public static String exchange(String topic) { return topic; }

    /** The queue names of a group: {@code t|g} for one shard, {@code t|g|i/n} otherwise. */
    public static List<String> groupQueues(String topic, String group, int shards) {
        List<String> names = new ArrayList<>(shards);
        if (shards == 1) {
            names.add(topic + "|" + group);
        } else {
            for (int i = 0; i < shards; i++) names.add(topic + "|" + group + "|" + i + "/" + shards);
        }
        return names;
    }

    /** A group queue's group and shard as {@link #groupQueues} named it; shard "0" for a one-shard group. */
    public record GroupQueue(String group, String shard) {}

    private static final java.util.regex.Pattern SHARD = java.util.regex.Pattern.compile("(.*)\\|(\\d+)/\\d+");

    /**
     * Reads a queue name back: the group queue of {@code topic} it is, or {@code null} (another topic, the
     * stream). A one-shard group whose own name ends in {@code |<digits>/<digits>} reads as a shard of a
     * shorter name: the naming scheme cannot tell them apart.
     */
    public static GroupQueue parseGroupQueue(String topic, String queue) {
        if (!queue.startsWith(topic + "|") || queue.equals(stream(topic))) return null;
        String rest = queue.substring(topic.length() + 1);
        java.util.regex.Matcher m = SHARD.matcher(rest);
        return m.matches() ? new GroupQueue(m.group(1), m.group(2)) : new GroupQueue(rest, "0");
    }

    /** The binding keys of shard {@code shard} of {@code shards}. */
    public static List<String> bindingKeys(int shard, int shards) {
        if (shards == 1) return List.of(ALL);
        List<String> keys = new ArrayList<>();
        for (int b = shard; b < BUCKETS; b += shards) keys.add(Integer.toString(b));
        return keys;
    }

    /** The stream of a topic in stream mode. */
    public static String stream(String topic) { return topic + "|stream"; }

    /** Declaration arguments of a group queue of the given type. */
    public static Map<String, Object> groupQueueArguments(QueueType type, int deliveryLimit, String deadLetterExchange) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-single-active-consumer", true);
        if (type == QueueType.QUORUM) {
            args.put("x-queue-type", "quorum");
            if (deliveryLimit > 0) {
                args.put("x-delivery-limit", deliveryLimit);
                args.put("x-dead-letter-exchange", deadLetterExchange);
            }
        } else {
            args.put("x-queue-type", "classic");
        }
        return args;
    }

    /** Declaration arguments of a topic's stream. */
    public static Map<String, Object> streamArguments() { return Map.of("x-queue-type", "stream"); }
}
