package dev.omnibus.kafka.internal;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Moves delayed records along the {@link DelayTiers}: one consumer of every tier topic in the consumer group
 * {@link DelayTiers#GROUP} (every transport with the forwarder on is a member, so the tiers' partitions are
 * spread over the running processes), on its own thread.
 *
 * <p>Per partition it keeps the fetched records not yet moved (at most one fetch, {@link #MAX_BUFFERED}
 * records: the partition is paused while that many wait, so nothing is held unboundedly and nothing is
 * polled busily) and moves every record whose hold has ended: to the next tier that fits its remaining
 * time, or to its target topic when due; a remainder shorter than the smallest tier waits in the buffer
 * until due. The poll waits exactly until the earliest hold ends (at most {@link #IDLE_POLL}). A tier offset
 * is committed only once every record before it was moved and the move acknowledged by the broker
 * ({@code acks=all}, idempotent producer): a crash or rebalance moves a record at least once, never zero
 * times (a duplicate keeps its envelope id, so the consumer's idempotency drops it).
 */
final class DelayForwarder implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(DelayForwarder.class);
    static final int MAX_BUFFERED = 500;
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** Forwarder-thread only: the bound on asynchronous commits. */
    private final CommitInFlight commits = new CommitInFlight(COMMIT_TIMEOUT);

    /** A fetched record waiting for its hold to end, with the time to look at it again. */
    private static final class Waiting {
        final TopicPartition tp;
        final Part part;
        final ConsumerRecord<byte[], byte[]> record;
        final long due;
        final long published;
        long holdUntil;
        Waiting(TopicPartition tp, Part part, ConsumerRecord<byte[], byte[]> record) {
            this.tp = tp;
            this.part = part;
            this.record = record;
            this.holdUntil = DelayTiers.millis(record.headers(), DelayTiers.HOLD_UNTIL, 0);
            this.due = DelayTiers.millis(record.headers(), DelayTiers.DUE, -1);
            this.published = DelayTiers.millis(record.headers(), DelayTiers.PUBLISHED, 0);
        }
    }

    /** Ready records go in due order (then publish order), whatever tier or offset they come from. */
    private static final Comparator<Waiting> DUE_ORDER = Comparator.<Waiting>comparingLong(w -> w.due)
            .thenComparingLong(w -> w.published).thenComparing(w -> w.tp.toString()).thenComparingLong(w -> w.record.offset());

    /** One assigned tier partition. */
    private static final class Part {
        final List<Waiting> buffered = new ArrayList<>();
        /** Offsets fetched and not yet moved with an acknowledgement. */
        final TreeSet<Long> open = new TreeSet<>();
        long nextOffset;
        long committed = -1;
        Part(long position) { this.nextOffset = position; }
        long commitPosition() { return open.isEmpty() ? nextOffset : open.first(); }
    }

    private record Done(TopicPartition tp, long offset, Waiting failed, Part part) {}

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final Map<TopicPartition, Part> parts = new LinkedHashMap<>();
    /** Assigned tier partitions whose committed offset and position are not read yet: paused until read. */
    private final UnreadPartitions unread;
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closing;

    DelayForwarder(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, Topics topics) {
        this.consumer = consumer;
        this.producer = producer;
        this.topics = topics;
        this.unread = new UnreadPartitions(consumer, COMMIT_TIMEOUT, this::startPart);
        this.thread = new Thread(this::run, "omnibus-kafka-delay-forwarder");
        this.thread.setDaemon(true);
    }

    void start() { thread.start(); }

    private void run() {
        try {
            for (String tier : DelayTiers.topics()) {
                while (!closing) {
                    try {
                        topics.ensureNow(tier);
                        break;
                    } catch (RuntimeException e) {
                        log.warn("Delay tier '{}' is not available yet ({}); scheduled messages wait until it is", tier, e.toString());
                        sleep(RETRY.toMillis());
                    }
                }
            }
            if (closing) return;
            consumer.subscribe(DelayTiers.topics(), this);
            while (!closing) {
                try {
                    loopOnce();
                } catch (KafkaException e) {
                    if (closing) break;
                    log.warn("The delay forwarder failed, retrying: {}", e.toString());
                    sleep(RETRY.toMillis());
                }
            }
        } catch (Throwable t) {
            log.error("The delay forwarder stopped: {}. Scheduled and delayed messages wait for another process to move them.",
                    t.toString(), t);
        } finally {
            shutdown();
        }
    }

    /** One pass of the forwarding loop (package-private for DelayForwarderTest). */
    void loopOnce() {
        unread.read();
        applyDone();
        long now = System.currentTimeMillis();
        long next = now + IDLE_POLL.toMillis();
        List<Waiting> ready = new ArrayList<>();
        for (Part p : parts.values()) for (Waiting w : p.buffered) if (w.holdUntil <= now) ready.add(w);
        ready.sort(DUE_ORDER);
        for (Waiting w : ready) if (move(w.tp, w.part, w, now)) w.part.buffered.remove(w);
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (Map.Entry<TopicPartition, Part> e : parts.entrySet()) {
            Part p = e.getValue();
            for (Waiting w : p.buffered) next = Math.min(next, w.holdUntil);
            (p.buffered.size() >= MAX_BUFFERED ? pause : resume).add(e.getKey());
        }
        consumer.pause(pause);
        Set<TopicPartition> paused = consumer.paused();
        consumer.resume(resume.stream().filter(paused::contains).toList());
        commit();
        long wait = Math.max(1, next - System.currentTimeMillis());
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
        for (TopicPartition tp : records.partitions()) {
            Part p = parts.get(tp);
            if (p == null) continue;
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                p.open.add(r.offset());
                p.nextOffset = r.offset() + 1;
                p.buffered.add(new Waiting(tp, p, r));
            }
        }
    }

    /**
     * Moves one record whose hold ended: to its target when due, to the next tier when the rest fits one,
     * else keeps it (its hold becomes the due time). Returns true when it left the buffer.
     */
    private boolean move(TopicPartition tp, Part p, Waiting w, long now) {
        ConsumerRecord<byte[], byte[]> r = w.record;
        String target = DelayTiers.text(r.headers(), DelayTiers.TARGET);
        long due = w.due;
        if (target == null || due < 0) {
            log.error("Dropping a record without routing headers from delay tier {} at offset {}", tp, r.offset());
            p.open.remove(r.offset());
            return true;
        }
        long remaining = due - now;
        RecordHeaders headers = new RecordHeaders(r.headers().toArray());
        String to;
        if (remaining <= 0) {
            DelayTiers.strip(headers);
            if (topics.ifKnown(target) == null) {
                try {
                    topics.ensureNow(target);
                } catch (RuntimeException e) {
                    log.error("Cannot deliver a delayed message to '{}' (it is retried every {}): {}", target, RETRY, e.toString());
                    w.holdUntil = now + RETRY.toMillis();
                    return false;
                }
            }
            to = target;
        } else if (DelayTiers.fitsATier(remaining)) {
            DelayTiers.Hop hop = DelayTiers.next(now, due);
            DelayTiers.route(headers, target, due, hop.holdUntil());
            to = hop.topic();
        } else {
            w.holdUntil = due;
            return false;
        }
        long offset = r.offset();
        try {
            producer.send(new ProducerRecord<>(to, null, null, r.key(), r.value(), headers), (metadata, error) -> {
                if (error != null) log.warn("Moving a delayed record from {}@{} to '{}' failed (retried): {}", tp, offset, to, error.toString());
                done.add(new Done(tp, offset, error == null ? null : w, p));
            });
        } catch (KafkaException e) {
            log.warn("Moving a delayed record from {}@{} to '{}' failed (retried): {}", tp, offset, to, e.toString());
            w.holdUntil = now + RETRY.toMillis();
            return false;
        }
        return true;
    }

    private void applyDone() {
        Done d;
        while ((d = done.poll()) != null) {
            if (parts.get(d.tp()) != d.part()) continue; // revoked meanwhile: the next owner moves it again
            if (d.failed() == null) {
                d.part().open.remove(d.offset());
            } else {
                d.failed().holdUntil = System.currentTimeMillis() + RETRY.toMillis();
                d.part().buffered.add(d.failed());
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> commitsDue(Collection<TopicPartition> among) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        for (TopicPartition tp : among) {
            Part p = parts.get(tp);
            if (p != null && p.commitPosition() > p.committed) due.put(tp, new OffsetAndMetadata(p.commitPosition()));
        }
        return due;
    }

    /** Commits the moved records' offsets asynchronously, at most one commit in flight ({@link CommitInFlight}). */
    private void commit() {
        if (commits.busy()) return;
        Map<TopicPartition, OffsetAndMetadata> due = commitsDue(parts.keySet());
        if (due.isEmpty()) return;
        due.forEach((tp, o) -> parts.get(tp).committed = o.offset());
        commits.sent();
        consumer.commitAsync(due, (offsets, error) -> {
            commits.answered();
            if (error == null) return;
            log.debug("Delay tier commit failed (retried with the next one): {}", error.toString());
            offsets.forEach((tp, o) -> {
                Part p = parts.get(tp);
                if (p != null && p.committed == o.offset()) p.committed = -1;
            });
        });
    }

    /** Waits for the moves in flight, then commits the given partitions synchronously. */
    private void settleAndCommit(Collection<TopicPartition> among) {
        try {
            producer.flush();
        } catch (RuntimeException e) {
            log.debug("Flushing delayed moves failed: {}", e.toString());
        }
        applyDone();
        Map<TopicPartition, OffsetAndMetadata> due = commitsDue(among);
        if (due.isEmpty()) return;
        try {
            consumer.commitSync(due, COMMIT_TIMEOUT);
            due.forEach((tp, o) -> parts.get(tp).committed = o.offset());
        } catch (KafkaException e) {
            log.warn("Delay tier commit of {} failed; those records may be moved twice: {}", due, e.toString());
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        if (revoked.isEmpty()) return;
        settleAndCommit(revoked);
        revoked.forEach(parts::remove);
        unread.removed(revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        lost.forEach(parts::remove);
        unread.removed(lost);
    }

    /** Assigned tier partitions stay paused until their committed offset and position are read ({@link UnreadPartitions}). */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        try {
            unread.assigned(assigned);
        } catch (KafkaException e) {
            log.warn("The delay forwarder could not read the position of {} yet (retried): {}", unread.snapshot(), e.toString());
        }
    }

    /** A tier partition read: its progress from here on. The loop resumes it (it resumes every partition with a Part). */
    private void startPart(TopicPartition tp, OffsetAndMetadata committed) {
        Part p = new Part(consumer.position(tp, COMMIT_TIMEOUT));
        p.committed = committed == null ? -1 : committed.offset();
        parts.put(tp, p);
    }

    /** Records read from the tiers and held here, not moved yet (for DelayForwarderTest). */
    int held() {
        int n = 0;
        for (Part p : parts.values()) n += p.buffered.size();
        return n;
    }

    void close(Duration timeout) {
        closing = true; // the loop notices within one poll (at most IDLE_POLL)
        try {
            thread.join(Math.max(1, timeout.toMillis()) + COMMIT_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        try {
            settleAndCommit(new ArrayList<>(parts.keySet()));
        } catch (RuntimeException e) {
            log.debug("Final delay tier commit failed: {}", e.toString());
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.debug("Closing the delay forwarder's consumer failed: {}", e.toString());
            }
            parts.clear();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
