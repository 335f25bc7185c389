package dev.omnibus.samples.redis.internal;

import dev.omnibus.Message;
import dev.omnibus.Ordering;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.TransportSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntryBinary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One subscription: a reader thread with its own connection fills a small local buffer from the
 * stream, and {@link #dispatch()} hands buffered entries to the core's sink.
 *
 * <p><b>Groups.</b> A group is a Redis consumer group with ONE active reader at a time: readers of the
 * group compete for a lease (a Redis key holding the reader's id, with an expiry it renews); the others
 * stand by. That is what makes per-key order hold for the group: Redis itself would spread one key's
 * entries over competing readers and let them run in parallel. All readers use the same Redis consumer
 * name, so a new active reader first re-reads the group's pending entries (what the previous reader
 * received but never acknowledged) in stream order, then new ones ({@code XREADGROUP ... >}).
 *
 * <p><b>Group-less.</b> {@code XREAD} from the stream's end as it was when the subscription started.
 *
 * <p><b>Flow control and order.</b> At most {@code maxInFlight} entries are buffered or unsettled at
 * once, so memory stays bounded and the sink never has more than that. With PER_KEY ordering at most
 * one entry per key is unsettled: the next one of that key waits in the buffer. A nacked entry goes
 * back into the buffer (sorted by stream id), so it is redelivered before the later entries of its key.
 */
final class StreamSubscription implements TransportSubscription {
    private static final Logger log = LoggerFactory.getLogger(StreamSubscription.class);
    private static final int BLOCK_MILLIS = 100;
    private static final long STANDBY_MILLIS = 200;
    private static final byte[] CONSUMER = RedisTransport.bytes("omnibus");
    /** Take the lease if it is free or already ours, and (re)start its expiry. */
    private static final String ACQUIRE = "local v = redis.call('GET', KEYS[1]) "
            + "if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end "
            + "return 0";
    /** Give the lease back, only if it is still ours. */
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
            + "return 0";

    /** A stream entry read from Redis; {@code deliveryCount} as counted by this driver. */
    private record Entry(StreamEntryID id, Map<String, byte[]> fields, String key, int deliveryCount) {
        Entry again() { return new Entry(id, fields, key, deliveryCount + 1); }
    }

    private final RedisTransport transport;
    private final String topic;
    private final String streamKey;
    private final String group;
    private final boolean perKey;
    private final int maxInFlight;
    private final Consumer<Inbound> sink;
    private final String me = UUID.randomUUID().toString();
    private final Thread thread;

    // Used by the reader thread only.
    private Jedis reader;
    private StreamEntryID cursor;  // group-less: the last id read; group: where we are in the pending history (null: done)
    private boolean leased;
    private long renewAt;

    // Guarded by this.
    private final TreeMap<StreamEntryID, Entry> buffer = new TreeMap<>();
    private final Set<StreamEntryID> unsettled = new HashSet<>();
    private final Set<String> keysInFlight = new HashSet<>();
    private boolean receiving = true;
    private boolean closed;

    StreamSubscription(RedisTransport transport, String topic, ReceiveOptions options, Consumer<Inbound> sink,
                       StreamEntryID groupLessStart) {
        this.transport = transport;
        this.topic = topic;
        this.streamKey = transport.settings().streamKey(topic);
        this.group = options.group();
        this.perKey = options.ordering() == Ordering.PER_KEY;
        this.maxInFlight = options.maxInFlight();
        this.sink = sink;
        this.cursor = groupLessStart;
        this.thread = new Thread(this::readLoop, "omnibus-redis-" + topic + (group == null ? "" : "-" + group));
        this.thread.setDaemon(true);
    }

    void start() { thread.start(); }

    // ---- the reader thread ---------------------------------------------------------------------

    private void readLoop() {
        while (!isClosed() && !Thread.currentThread().isInterrupted()) {
            try {
                if (reader == null) reader = transport.dedicated();
                if (group != null && !holdLease()) { // another reader is active: stand by
                    pause(STANDBY_MILLIS);
                    continue;
                }
                int room = room();
                if (room == 0) { // buffer full, or stopReceiving(): wait for settlements
                    pause(BLOCK_MILLIS);
                    continue;
                }
                List<Entry> read = group != null ? readGroup(room) : readAll(room);
                synchronized (this) {
                    for (Entry e : read) if (!unsettled.contains(e.id())) buffer.putIfAbsent(e.id(), e);
                }
                dispatch();
            } catch (JedisException e) {
                if (isClosed()) break;
                log.warn("Reading stream '{}' failed; reconnecting in 1 s: {}", streamKey, e.toString());
                closeReader();
                pause(1_000);
            }
        }
        closeReader();
    }

    /** True while this subscription is the group's active reader; renews the lease when a third of it has passed. */
    private boolean holdLease() {
        long now = System.nanoTime();
        if (leased && now < renewAt) return true;
        long leaseMillis = transport.settings().leaseTime().toMillis();
        String leaseKey = transport.settings().leaseKey(topic, group);
        boolean held = Long.valueOf(1).equals(reader.eval(ACQUIRE, List.of(leaseKey), List.of(me, Long.toString(leaseMillis))));
        if (held && !leased) {
            cursor = new StreamEntryID(); // newly active: first what the previous reader left pending
        } else if (!held && leased) {
            log.warn("Lost the lease of group '{}' on '{}' (stalled for more than {} ms?); standing by", group, streamKey, leaseMillis);
            synchronized (this) { buffer.clear(); } // the new active reader will deliver these
        }
        leased = held;
        renewAt = now + leaseMillis * 1_000_000 / 3;
        return held;
    }

    /** XREADGROUP: first our pending history (from {@code cursor}), then undelivered entries ({@code >}). */
    private List<Entry> readGroup(int count) {
        boolean history = cursor != null;
        XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(count);
        if (!history) params.block(BLOCK_MILLIS);
        var result = reader.xreadGroupBinary(RedisTransport.bytes(group), CONSUMER, params,
                Map.of(RedisTransport.bytes(streamKey), history ? cursor : StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        List<StreamEntryBinary> entries = result == null || result.isEmpty() ? List.of() : result.get(0).getValue();
        if (history) cursor = entries.isEmpty() ? null : entries.get(entries.size() - 1).getID();
        for (StreamEntryBinary e : entries) { // deleted (e.g. trimmed by maxLength) while pending: nothing to deliver
            if (e.getFields() == null) reader.xack(streamKey, group, e.getID());
        }
        // Redis does not count re-reads of the pending history: we report them as (at least) the second delivery.
        return toEntries(entries, history ? 2 : 1);
    }

    /** XREAD after {@code cursor}. */
    private List<Entry> readAll(int count) {
        var result = reader.xreadBinary(XReadParams.xReadParams().count(count).block(BLOCK_MILLIS),
                Map.of(RedisTransport.bytes(streamKey), cursor));
        List<StreamEntryBinary> entries = result == null || result.isEmpty() ? List.of() : result.get(0).getValue();
        if (!entries.isEmpty()) cursor = entries.get(entries.size() - 1).getID();
        return toEntries(entries, 1);
    }

    private static List<Entry> toEntries(List<StreamEntryBinary> entries, int deliveryCount) {
        List<Entry> out = new ArrayList<>(entries.size());
        for (StreamEntryBinary e : entries) {
            if (e.getFields() == null) continue; // deleted while pending
            Map<String, byte[]> fields = StreamFields.byName(e.getFields());
            out.add(new Entry(e.getID(), fields, StreamFields.key(fields), deliveryCount));
        }
        return out;
    }

    private synchronized int room() {
        return receiving ? Math.max(0, maxInFlight - buffer.size() - unsettled.size()) : 0;
    }

    private synchronized boolean isClosed() { return closed; }

    private synchronized void pause(long millis) {
        try {
            if (!closed) wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // ends the read loop
        }
    }

    private void closeReader() {
        if (reader != null) {
            try { reader.close(); } catch (RuntimeException ignored) { /* already broken */ }
            reader = null;
        }
    }

    // ---- handing entries to the core, settling them --------------------------------------------

    /** Hands every deliverable buffered entry to the sink, in stream order; the sink is called outside the lock. */
    private void dispatch() {
        List<Inbound> ready = new ArrayList<>();
        synchronized (this) {
            if (!receiving) return;
            for (var it = buffer.values().iterator(); it.hasNext() && unsettled.size() < maxInFlight; ) {
                Entry e = it.next();
                if (perKey && e.key() != null && !keysInFlight.add(e.key())) continue; // its key is busy: wait
                it.remove();
                unsettled.add(e.id());
                ready.add(new RedisInbound(e));
            }
        }
        ready.forEach(sink);
    }

    private void settle(Entry e, boolean ack) {
        synchronized (this) {
            if (!unsettled.remove(e.id())) return; // closed meanwhile: the group's pending list keeps it
            if (perKey && e.key() != null) keysInFlight.remove(e.key());
            if (!ack) buffer.put(e.id(), e.again()); // redelivered before the later entries of its key
            notifyAll(); // room for the reader
        }
        if (ack && group != null) {
            try (Jedis jedis = transport.pooled()) {
                jedis.xack(streamKey, group, e.id());
            } catch (JedisException failure) {
                log.warn("XACK of {} on '{}' failed; the group will see it again: {}", e.id(), streamKey, failure.toString());
            }
        }
        dispatch();
    }

    @Override
    public synchronized void stopReceiving() {
        receiving = false; // the reader keeps the lease: acks of delivered entries still work
        notifyAll();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            receiving = false;
            buffer.clear();      // a group's entries stay pending in Redis for the next active reader
            unsettled.clear();
            keysInFlight.clear();
            notifyAll();
        }
        try {
            thread.join(6_000); // at most one blocking read (100 ms) or one socket timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            try (Jedis jedis = transport.pooled()) { // let a standby reader take over now, not after the lease expires
                jedis.eval(RELEASE, List.of(transport.settings().leaseKey(topic, group)), List.of(me));
            } catch (JedisException e) {
                log.warn("Could not release the lease of group '{}' on '{}'; it expires by itself: {}", group, streamKey, e.toString());
            }
        }
        transport.forget(this);
    }

    /** One delivery of a stream entry. */
    private final class RedisInbound implements Inbound {
        private final Entry entry;

        RedisInbound(Entry entry) { this.entry = entry; }

        @Override
        public Message message() {
            return StreamFields.decode(entry.fields(), "Entry " + entry.id() + " of stream '" + streamKey + "'");
        }

        @Override public String key() { return entry.key(); }
        @Override public Position position() { return new Position(topic, entry.id().toString()); }
        @Override public int deliveryCount() { return entry.deliveryCount(); }
        @Override public void ack() { settle(entry, true); }
        @Override public void nack() { settle(entry, false); }
    }
}
