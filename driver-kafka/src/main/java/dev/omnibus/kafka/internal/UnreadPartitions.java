package dev.omnibus.kafka.internal;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The partitions a rebalance assigned to a consumer whose committed offset (and, by the owner, position) are not read
 * yet. They are paused from the moment they are assigned until they are read, so the poll cannot return records of a
 * partition the owner keeps no progress for. A broker that does not answer in time (an outage during a rebalance)
 * leaves them paused and unread; the owner's poll loop calls {@link #read} again until it succeeds.
 *
 * <p>Before this existed, a timeout inside {@code onPartitionsAssigned} left a partition assigned and fetched but
 * without its progress, and the poll skipped its records until the next rebalance (CI, 2026-12-03: scheduled
 * messages that never arrived after a broker kill).
 *
 * <p>Not thread-safe: used by the thread that owns the consumer (rebalance callbacks run on it, inside {@code poll}).
 */
final class UnreadPartitions {

    /** What the owner does with a partition once its committed offset is known: seek, read the position, keep its progress. */
    @FunctionalInterface
    interface Start {
        /** {@code committed} is null when the group has not committed on {@code tp}; may throw {@link KafkaException}. */
        void start(TopicPartition tp, OffsetAndMetadata committed);
    }

    private final Consumer<?, ?> consumer;
    private final Duration timeout;
    private final Start start;
    private final Set<TopicPartition> unread = new HashSet<>();

    UnreadPartitions(Consumer<?, ?> consumer, Duration timeout, Start start) {
        this.consumer = consumer;
        this.timeout = timeout;
        this.start = start;
    }

    /**
     * Pauses {@code assigned} and reads it ({@link #read}).
     *
     * @throws KafkaException when the broker did not answer in time; what was not read stays paused and unread
     */
    void assigned(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) return;
        consumer.pause(assigned);
        unread.addAll(assigned);
        read();
    }

    /** Forgets partitions revoked or lost. */
    void removed(Collection<TopicPartition> removed) {
        unread.removeAll(removed);
    }

    /** True while {@code tp} is assigned and not read: it must stay paused. */
    boolean contains(TopicPartition tp) {
        return unread.contains(tp);
    }

    /** The partitions not read yet (a copy, for messages). */
    Set<TopicPartition> snapshot() {
        return Set.copyOf(unread);
    }

    /**
     * Reads the committed offsets of every partition not read yet and hands each to the owner's {@link Start}; a
     * partition counts as read once its {@code start} returned. Cheap when nothing is unread: call it every pass.
     *
     * @throws KafkaException when the broker did not answer in time; what was not read stays unread
     */
    void read() {
        if (unread.isEmpty()) return;
        Set<TopicPartition> reading = new HashSet<>(unread);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(reading, timeout);
        for (TopicPartition tp : reading) {
            start.start(tp, committed.get(tp));
            unread.remove(tp);
        }
    }
}
