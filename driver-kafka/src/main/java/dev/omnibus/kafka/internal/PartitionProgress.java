package dev.omnibus.kafka.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What one subscription knows about one assigned partition (poll thread only): records fetched but not
 * yet handed to the core, inbounds handed and not yet part of the committable prefix, and the offset
 * to commit, which never passes an unsettled offset. Settlements may come out of order (several keys
 * per partition run concurrently); only the contiguous completed prefix is committed.
 */
final class PartitionProgress {
    final TopicPartition partition;
    /** The partition number as text, for the positions of its deliveries. */
    final String partitionName;
    /** Fetched, not yet delivered (back-pressure), in offset order. */
    final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffered = new ArrayDeque<>();
    /** Delivered and either unsettled or acked behind an unsettled one, by offset. */
    final NavigableMap<Long, KafkaInbound> inflight = new TreeMap<>();
    /** How often an offset was handed out and then given back by a nack (for deliveryCount). */
    private final Map<Long, Integer> redeliveries = new HashMap<>();
    /** Next offset to commit: every offset below it is completed. */
    long commitPosition;
    /** Last offset committed (or sent for commit); -1 when the group has none for this partition. */
    long committed;
    /**
     * PER_KEY with a redelivery schedule: records handed back for a delayed redelivery, by offset. They stay in
     * the partition, uncommitted; the map travels in the committed offset's metadata ({@link ParkedRecords}).
     */
    final NavigableMap<Long, ParkedRecords.Park> parked = new TreeMap<>();
    /** The parked map changed since the last commit. */
    boolean parkedChanged;

    PartitionProgress(TopicPartition partition, long position, long committed) {
        this.partition = partition;
        this.partitionName = Integer.toString(partition.partition());
        this.commitPosition = position;
        this.committed = committed;
    }

    int deliveryCountOf(long offset) { return redeliveries.isEmpty() ? 1 : 1 + redeliveries.getOrDefault(offset, 0); }

    void delivered(KafkaInbound inbound) { inflight.put(inbound.offset(), inbound); }

    /** True when {@code inbound} is the live delivery at its offset (not discarded by a nack or revocation). */
    boolean isCurrent(KafkaInbound inbound) { return inflight.get(inbound.offset()) == inbound; }

    /** Marks an ack and moves the commit position over the completed prefix. */
    void acked(KafkaInbound inbound) {
        inbound.done = true;
        while (!inflight.isEmpty() && inflight.firstEntry().getValue().done) {
            long offset = inflight.pollFirstEntry().getKey();
            if (!redeliveries.isEmpty()) redeliveries.remove(offset);
            commitPosition = offset + 1;
        }
    }

    /**
     * A nack at {@code offset}: that delivery and every later one of this partition are discarded (their
     * settlements are ignored from now on) and will be fetched again in order after the caller seeks.
     */
    void discardFrom(long offset) {
        NavigableMap<Long, KafkaInbound> tail = inflight.tailMap(offset, true);
        for (Long o : tail.keySet()) redeliveries.merge(o, 1, Integer::sum);
        tail.clear();
        buffered.removeIf(r -> r.offset() >= offset); // earlier ones are held back by a parked key: keep them
    }

    /**
     * The offset to commit: the completed prefix, but never past a parked record or a fetched one not yet
     * delivered (records of a parked key wait in {@link #buffered} while later ones of other keys complete).
     */
    long safeCommitPosition() {
        long position = commitPosition;
        if (!parked.isEmpty()) position = Math.min(position, parked.firstKey());
        ConsumerRecord<byte[], byte[]> first = buffered.peekFirst();
        if (first != null) position = Math.min(position, first.offset());
        return position;
    }

    /** Puts a record back into {@link #buffered}, in offset order. */
    void rebuffer(ConsumerRecord<byte[], byte[]> record) {
        java.util.List<ConsumerRecord<byte[], byte[]>> all = new java.util.ArrayList<>(buffered);
        all.add(record);
        all.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
        buffered.clear();
        buffered.addAll(all);
    }

    boolean hasUnsettled() {
        for (KafkaInbound i : inflight.values()) if (!i.done) return true;
        return false;
    }

    boolean needsCommit() { return safeCommitPosition() > committed || parkedChanged; }
}
