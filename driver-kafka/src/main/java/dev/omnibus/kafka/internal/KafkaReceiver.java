package dev.omnibus.kafka.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.OmnibusException;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.TransportSubscription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One subscription: a {@link KafkaConsumer} owned by its own poll thread. Acks and nacks arrive from any
 * thread through a queue and are applied by the poll thread: acks move the per-partition commit position
 * over the contiguous completed prefix (committed asynchronously, and synchronously on revocation and
 * close); a nack seeks its partition back so the record and every later one of that partition come again
 * in order. Back-pressure pauses the assignment while {@code maxInFlight} inbounds are unsettled (poll keeps
 * running, so {@code max.poll.interval.ms} is never exceeded). A group-less subscription assigns every
 * partition itself (no group, no commits).
 */
final class KafkaReceiver implements TransportSubscription, ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(KafkaReceiver.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    /** An ack/nack, or ({@code park} set) a hand-back for an ordered delayed redelivery, for the poll thread. */
    private record Settlement(KafkaInbound inbound, boolean ack, ParkedRecords.Park park, CompletableFuture<Void> parkedDone) {
        Settlement(KafkaInbound inbound, boolean ack) { this(inbound, ack, null, null); }
    }

    /** Records held back by parked keys beyond which the whole assignment is paused. */
    private static final int MAX_HELD = 10_000;

    private final String topic;
    private final ReceiveOptions options;
    private final Consumer<Inbound> sink;
    private final KafkaSettings settings;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final boolean grouped;
    /** The group's redelivery topic (also consumed), or null without a redelivery schedule. */
    private final String redeliveryTopic;
    private final KafkaPublisher publisher;
    /**
     * PER_KEY with a redelivery schedule: a handed-back record stays in its partition, parked until due (the
     * parked offsets and histories in the committed offset's metadata), and no later record of its key is
     * handed out before it; records of one key are never in flight together.
     */
    private final boolean parking;
    private final LinkedBlockingQueue<Settlement> settlements = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> established = new CompletableFuture<>();
    private final Map<TopicPartition, PartitionProgress> partitions = new LinkedHashMap<>();
    /** Assigned partitions whose committed offset and position are not read yet: paused until read. */
    private final UnreadPartitions unread;
    private final Thread thread;
    private volatile boolean receiving = true;
    private volatile boolean closing;
    /** Poll thread only: inbounds handed to the sink and not yet settled (stale ones included). */
    private int unsettled;
    private boolean paused;

    KafkaReceiver(String topic, ReceiveOptions options, Consumer<Inbound> sink, KafkaSettings settings,
                  KafkaConsumer<byte[], byte[]> consumer, String redeliveryTopic, KafkaPublisher publisher) {
        this.topic = topic;
        this.redeliveryTopic = redeliveryTopic;
        this.publisher = publisher;
        this.parking = options.redelivery() != null && options.ordering() == dev.omnibus.Ordering.PER_KEY;
        this.options = options;
        this.sink = sink;
        this.settings = settings;
        this.consumer = consumer;
        this.unread = new UnreadPartitions(consumer, settings.subscribeTimeout(), this::startPartition);
        this.grouped = options.group() != null;
        this.thread = new Thread(this::run, "omnibus-kafka-" + topic + "-" + (grouped ? options.group() : "*"));
        this.thread.setDaemon(true);
    }

    /** Starts the poll thread and returns once the assignment and its positions are resolved. */
    void start() {
        thread.start();
        try {
            established.get(settings.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new BrokerUnavailableException("Kafka subscription to '" + topic + "'" + (grouped ? " (group '"
                    + options.group() + "')" : "") + " was not established within subscribeTimeout=" + settings.subscribeTimeout()
                    + "; is the broker reachable and the group coordinator available?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new OmnibusException("Interrupted while subscribing to '" + topic + "'", e);
        } catch (ExecutionException e) {
            close();
            Throwable cause = Topics.unwrap(e);
            if (cause instanceof OmnibusException oe) throw oe;
            throw new BrokerUnavailableException("Kafka subscription to '" + topic + "' failed: " + cause, cause);
        }
    }

    /** Called by {@link KafkaInbound} from any thread. */
    void settle(KafkaInbound inbound, boolean ack) {
        settlements.add(new Settlement(inbound, ack));
    }

    /**
     * Hands {@code message} to the delay tiers with the group's redelivery topic as target, due after
     * {@code delay}; once the broker acknowledged it, {@code ack} settles the original (so its offset is only
     * committed after the redelivery is durable).
     */
    java.util.concurrent.CompletableFuture<Void> redeliver(dev.omnibus.Message message, Duration delay, Runnable ack) {
        if (parking) return CompletableFuture.failedFuture(new IllegalStateException("parking subscriptions park"));
        if (redeliveryTopic == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("the subscription to '" + topic
                    + "' was made without a redelivery schedule (ReceiveOptions.redelivery)"));
        }
        long due = System.currentTimeMillis() + Math.max(0, delay.toMillis());
        return publisher.sendDelayed(redeliveryTopic, message, due).thenRun(ack);
    }

    boolean parking() { return parking; }

    /**
     * Parks {@code inbound}'s record until {@code delay} from now with the history of {@code withHistory}: the poll
     * thread keeps it (and every later record of its key) back, and commits the partition's offset with the parked
     * record in its metadata before the future completes.
     */
    CompletableFuture<Void> park(KafkaInbound inbound, dev.omnibus.Message withHistory, Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ParkedRecords.Park park = new ParkedRecords.Park(System.currentTimeMillis() + Math.max(0, delay.toMillis()),
                ParkedRecords.historyOf(withHistory.extensions()));
        settlements.add(new Settlement(inbound, true, park, done));
        return done;
    }

    @Override public void stopReceiving() { receiving = false; }

    @Override
    public void close() {
        receiving = false;
        closing = true;
        if (Thread.currentThread() != thread && thread.isAlive()) {
            settlements.add(new Settlement(null, true)); // wakes a paused loop
            try {
                thread.join(settings.closeTimeout().toMillis() + COMMIT_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- poll thread ----

    private void run() {
        try {
            if (grouped) {
                if (options.startFrom() != StartFrom.EARLIEST) latestStart = endOffsets();
                consumer.subscribe(redeliveryTopic == null ? List.of(topic) : List.of(topic, redeliveryTopic), this);
            } else {
                assignAll();
            }
            while (!closing) {
                try {
                    loopOnce();
                } catch (AuthenticationException | AuthorizationException | InvalidGroupIdException fatal) {
                    throw fatal;
                } catch (KafkaException e) {
                    if (!established.isDone()) throw e;
                    log.warn("Kafka consumer of '{}' failed, retrying: {}", topic, e.toString());
                    handle(settlements.poll(500, TimeUnit.MILLISECONDS));
                }
            }
        } catch (Throwable t) {
            if (!established.completeExceptionally(t)) {
                log.error("Kafka subscription to '{}' stopped: {}. Unsettled messages will be redelivered.", topic, t.toString(), t);
            }
        } finally {
            shutdown();
        }
    }

    private void loopOnce() throws InterruptedException {
        unread.read();
        Settlement s;
        while ((s = settlements.poll()) != null) handle(s);
        commitIfNeeded();
        deliverBuffered();
        boolean full = !receiving || unsettled >= options.maxInFlight() || anyBuffered();
        setPaused(full);
        if (full) {
            handle(settlements.poll(POLL.toMillis(), TimeUnit.MILLISECONDS)); // wake on the first settlement
            buffer(consumer.poll(Duration.ZERO)); // keeps the group membership alive and runs rebalances
        } else {
            buffer(consumer.poll(POLL));
        }
    }

    /**
     * LATEST groups: the end offsets of the topic when the subscription started. A partition the group has no
     * committed offset for starts there, not at its end when it is assigned: the first assignment of a new topic
     * can come empty (the consumer's metadata does not list the topic yet), the subscription is then established,
     * and records published in between would be skipped.
     */
    private Map<TopicPartition, Long> latestStart = Map.of();

    /** Poll-thread only: the bound on asynchronous commits. */
    private final CommitInFlight commits = new CommitInFlight(COMMIT_TIMEOUT);

    private Map<TopicPartition, Long> endOffsets() {
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo p : partitionInfos()) tps.add(new TopicPartition(topic, p.partition()));
        return consumer.endOffsets(tps, settings.subscribeTimeout());
    }

    private List<PartitionInfo> partitionInfos() {
        // right after creation the broker may not list the partitions yet: ask again until it does
        long deadline = System.nanoTime() + settings.subscribeTimeout().toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, settings.subscribeTimeout());
        while ((infos == null || infos.isEmpty()) && System.nanoTime() < deadline && !closing) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OmnibusException("Interrupted while subscribing to '" + topic + "'", e);
            }
            infos = consumer.partitionsFor(topic, settings.subscribeTimeout());
        }
        if (infos == null || infos.isEmpty()) {
            throw new BrokerUnavailableException("Kafka did not list the partitions of '" + topic + "' within subscribeTimeout="
                    + settings.subscribeTimeout(), null);
        }
        return infos;
    }

    private void assignAll() {
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo p : partitionInfos()) tps.add(new TopicPartition(topic, p.partition()));
        consumer.assign(tps);
        if (options.startFrom() == StartFrom.EARLIEST) consumer.seekToBeginning(tps); else consumer.seekToEnd(tps);
        for (TopicPartition tp : tps) {
            long position = consumer.position(tp, settings.subscribeTimeout());
            partitions.put(tp, new PartitionProgress(tp, position, position));
        }
        established.complete(null);
    }

    private void handle(Settlement s) {
        if (s == null || s.inbound() == null) return;
        unsettled--;
        KafkaInbound in = s.inbound();
        PartitionProgress p = partitions.get(in.progress.partition);
        if (p != in.progress || !p.isCurrent(in)) { // revoked, or discarded by an earlier nack
            if (s.park() != null) {
                // the record comes again from the partition's committed offset, in order, to whoever owns it now
                log.info("{} was revoked or discarded before its redelivery was parked; it is delivered again from the "
                        + "committed offset (its redelivery history restarts)", in);
                in.settledByPark();
                s.parkedDone().complete(null);
            }
            return;
        }
        if (s.park() != null) {
            parkNow(p, in, s);
            return;
        }
        if (s.ack()) {
            p.acked(in);
            if (p.parked.remove(in.offset()) != null) p.parkedChanged = true; // the parked record came back and is done
        } else {
            p.discardFrom(in.offset());
            consumer.seek(p.partition, in.offset());
        }
    }

    private void buffer(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) return;
        for (TopicPartition tp : records.partitions()) {
            PartitionProgress p = partitions.get(tp);
            if (p == null) continue; // not ours any more
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) p.buffered.add(r);
        }
        deliverBuffered();
    }

    /** Poll thread: parks the record, commits the metadata, completes the hand-back (or undoes it when the commit fails). */
    private void parkNow(PartitionProgress p, KafkaInbound in, Settlement s) {
        long offset = in.offset();
        p.inflight.remove(offset);
        p.parked.put(offset, s.park());
        p.parkedChanged = true;
        p.rebuffer(in.record);
        OffsetAndMetadata commit = new OffsetAndMetadata(p.safeCommitPosition(), ParkedRecords.encode(p.parked));
        try {
            if (commit.metadata().length() > ParkedRecords.MAX_BYTES) {
                throw new IllegalStateException("the parked records of " + p.partition + " need " + commit.metadata().length()
                        + " bytes of offset metadata, more than " + ParkedRecords.MAX_BYTES);
            }
            consumer.commitSync(Map.of(p.partition, commit), COMMIT_TIMEOUT);
            p.committed = commit.offset();
            p.parkedChanged = false;
        } catch (RuntimeException e) {
            // not durable: undo, the inbound is unsettled again and the core retries the hand-back
            p.parked.remove(offset);
            p.buffered.removeIf(r -> r.offset() == offset);
            p.inflight.put(offset, in);
            unsettled++;
            s.parkedDone().completeExceptionally(e);
            return;
        }
        in.settledByPark();
        s.parkedDone().complete(null);
    }

    private void deliverBuffered() {
        if (parking) {
            deliverParking();
            return;
        }
        if (!receiving) return;
        for (PartitionProgress p : partitions.values()) {
            while (unsettled < options.maxInFlight() && !p.buffered.isEmpty()) {
                ConsumerRecord<byte[], byte[]> r = p.buffered.poll();
                KafkaInbound in = new KafkaInbound(this, p, r, p.deliveryCountOf(r.offset()));
                p.delivered(in);
                unsettled++;
                try {
                    sink.accept(in);
                } catch (RuntimeException e) {
                    log.error("Omnibus sink rejected {} on '{}'; it will be settled by the core or redelivered", in, topic, e);
                }
            }
            if (unsettled >= options.maxInFlight()) return;
        }
    }

    /** Parking mode: true while a record that could be handed out waits (or too many are held back). */
    private boolean deliverableLeft;

    /**
     * Parking mode: hands out buffered records in offset order, skipping (holding, in order) every record whose key
     * has a record in flight or parked before it, and a parked record until it is due (then with its history).
     */
    private void deliverParking() {
        deliverableLeft = false;
        if (!receiving) return;
        long now = System.currentTimeMillis();
        int held = 0;
        for (PartitionProgress p : partitions.values()) {
            java.util.Set<String> blocked = new HashSet<>();
            for (KafkaInbound i : p.inflight.values()) if (!i.done && i.key() != null) blocked.add(i.key());
            for (java.util.Iterator<ConsumerRecord<byte[], byte[]>> it = p.buffered.iterator(); it.hasNext(); ) {
                ConsumerRecord<byte[], byte[]> r = it.next();
                String key = CloudEventsBinaryMapping.key(r);
                ParkedRecords.Park park = p.parked.get(r.offset());
                boolean hold = (key != null && blocked.contains(key)) || (park != null && park.dueMs() > now);
                if (hold) {
                    if (key != null) blocked.add(key);
                    held++;
                    continue;
                }
                if (unsettled >= options.maxInFlight()) {
                    deliverableLeft = true;
                    break;
                }
                it.remove();
                KafkaInbound in = new KafkaInbound(this, p, r, p.deliveryCountOf(r.offset()), park == null ? null : park.history());
                p.delivered(in);
                unsettled++;
                if (key != null) blocked.add(key);
                try {
                    sink.accept(in);
                } catch (RuntimeException e) {
                    log.error("Omnibus sink rejected {} on '{}'; it will be settled by the core or redelivered", in, topic, e);
                }
            }
        }
        if (held >= MAX_HELD) deliverableLeft = true;
    }

    private boolean anyBuffered() {
        if (parking) return deliverableLeft;
        for (PartitionProgress p : partitions.values()) if (!p.buffered.isEmpty()) return true;
        return false;
    }

    private void setPaused(boolean pause) {
        if (pause) {
            consumer.pause(consumer.assignment()); // also covers partitions assigned by the last rebalance
        } else if (paused) {
            consumer.resume(consumer.paused().stream().filter(tp -> !unread.contains(tp)).toList());
        }
        paused = pause;
    }

    private Map<TopicPartition, OffsetAndMetadata> commitsDue(Collection<TopicPartition> among) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        if (!grouped) return due;
        for (TopicPartition tp : among) {
            PartitionProgress p = partitions.get(tp);
            if (p != null && p.needsCommit()) due.put(tp, new OffsetAndMetadata(p.safeCommitPosition(), ParkedRecords.encode(p.parked)));
        }
        return due;
    }

    /**
     * Commits what completed since the last commit, asynchronously, with at most one commit in flight
     * ({@link CommitInFlight}): with the in-flight window full this loop wakes for every settlement.
     */
    private void commitIfNeeded() {
        if (commits.busy()) return;
        Map<TopicPartition, OffsetAndMetadata> due = commitsDue(partitions.keySet());
        if (due.isEmpty()) return;
        due.forEach((tp, o) -> {
            PartitionProgress p = partitions.get(tp);
            p.committed = o.offset();
            p.parkedChanged = false;
        });
        commits.sent();
        consumer.commitAsync(due, (offsets, error) -> {
            commits.answered();
            if (error == null) return;
            log.debug("Async commit on '{}' failed (will retry with the next one): {}", topic, error.toString());
            offsets.forEach((tp, o) -> {
                PartitionProgress p = partitions.get(tp);
                if (p != null && p.committed == o.offset()) {
                    p.committed = -1;
                    p.parkedChanged = true;
                }
            });
        });
    }

    private void commitNow(Collection<TopicPartition> among) {
        Map<TopicPartition, OffsetAndMetadata> due = commitsDue(among);
        if (due.isEmpty()) return;
        try {
            consumer.commitSync(due, COMMIT_TIMEOUT);
            due.forEach((tp, o) -> {
                partitions.get(tp).committed = o.offset();
                partitions.get(tp).parkedChanged = false;
            });
        } catch (KafkaException e) {
            log.warn("Commit of {} on '{}' failed; those messages may be redelivered: {}", due, topic, e.toString());
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        if (revoked.isEmpty()) return;
        // let the work in flight on these partitions finish (bounded), so the next owner does not redo it
        long deadline = System.nanoTime() + settings.rebalanceDrainTimeout().toNanos();
        try {
            while (!closing && hasUnsettled(revoked) && System.nanoTime() < deadline) {
                handle(settlements.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS));
            }
            Settlement s;
            while ((s = settlements.poll()) != null) handle(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitNow(revoked);
        revoked.forEach(partitions::remove);
        unread.removed(revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        lost.forEach(partitions::remove); // another member may own them already: do not commit
        unread.removed(lost);
    }

    /** Assigned partitions stay paused until their committed offset and position are read ({@link UnreadPartitions}). */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        try {
            unread.assigned(assigned);
        } catch (KafkaException e) {
            if (!established.isDone()) throw e; // the first assignment: subscribe() reports it
            log.warn("Kafka consumer of '{}' could not read the position of {} yet (retried): {}", topic, unread.snapshot(), e.toString());
        }
        established.complete(null);
    }

    /** A partition read: seek where the group starts, keep its progress, and let it be fetched unless back-pressure holds it. */
    private void startPartition(TopicPartition tp, OffsetAndMetadata committed) {
        if (committed == null) {
            // every record of the group's redelivery topic is for the group: a partition it has not committed yet
            // is read from its beginning, whatever startFrom says
            if (tp.topic().equals(redeliveryTopic)) consumer.seekToBeginning(List.of(tp));
            Long start = latestStart.get(tp);
            if (start != null) consumer.seek(tp, start);
        }
        long position = consumer.position(tp, settings.subscribeTimeout());
        // no committed offset yet: commit the resolved start so a LATEST group keeps its place
        PartitionProgress p = new PartitionProgress(tp, position, committed == null ? -1 : committed.offset());
        if (parking && committed != null) p.parked.putAll(ParkedRecords.decode(committed.metadata()));
        partitions.put(tp, p);
        if (!paused) consumer.resume(List.of(tp));
    }

    private boolean hasUnsettled(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionProgress p = partitions.get(tp);
            if (p != null && p.hasUnsettled()) return true;
        }
        return false;
    }

    private void shutdown() {
        try {
            Settlement s;
            while ((s = settlements.poll()) != null) handle(s);
            if (grouped && established.isDone() && !established.isCompletedExceptionally()) commitNow(new ArrayList<>(partitions.keySet()));
        } catch (RuntimeException e) {
            log.warn("Final commit on '{}' failed: {}", topic, e.toString());
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.debug("Closing the consumer of '{}' failed: {}", topic, e.toString());
            }
            partitions.clear();
        }
    }
}
