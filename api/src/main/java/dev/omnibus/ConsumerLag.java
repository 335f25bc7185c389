package dev.omnibus;

import java.time.Instant;
import java.util.Map;

/**
 * How far a group is behind its topic, as the broker sees it: messages published and not yet
 * completed by the group (Kafka: end offset minus committed offset; Pulsar: the subscription's
 * backlog; RabbitMQ: ready plus unacknowledged messages of the group's queues; memory: pending plus in
 * flight). Needs {@link Capability#LAG}.
 *
 * @param topic       the topic
 * @param group       the group
 * @param total       the sum over partitions
 * @param byPartition per partition (Kafka partition number, Pulsar partition, RabbitMQ shard queue),
 *                    keyed by a stable name; one entry {@code "0"} where the broker has no partitions
 * @param measuredAt  when the broker was asked
 */
public record ConsumerLag(String topic, String group, long total, Map<String, Long> byPartition, Instant measuredAt) {
    public ConsumerLag {
        byPartition = Map.copyOf(byPartition);
    }

    /** A lag whose total is the sum of {@code byPartition}, measured now. */
    public static ConsumerLag of(String topic, String group, Map<String, Long> byPartition) {
        long total = 0;
        for (long v : byPartition.values()) total += v;
        return new ConsumerLag(topic, group, total, byPartition, Instant.now());
    }
}
