package dev.omnibus.memory.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import dev.omnibus.internal.StructuredCloudEvents;
import dev.omnibus.Ordering;
import dev.omnibus.Position;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Inbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One named in-process broker: per topic an append-only log, per group the offsets not yet delivered
 * and the ones in flight. Per-key order: a group never has two messages of one key in flight, and
 * always delivers a key's lowest pending offset first, so redeliveries keep publish order.
 *
 * <p>A per-key group keeps one queue of pending offsets per key and a set of <em>ready</em> offsets:
 * the head of every key not in flight, plus every keyless offset. Dispatch takes ready offsets in
 * order and never looks at a message that cannot go yet, so its cost follows what is delivered, not
 * the backlog behind busy keys.
 *
 * <p>Retention: each topic keeps at least its last {@code retainMessages} records, and every record a
 * group has not completed; older ones are dropped (a new group starting from EARLIEST then starts at
 * the oldest record kept). Without a bound, an embedded broker in a long-running process would keep
 * every message it ever carried.
 *
 * <p>Delays run on one scheduler thread shared by every memory broker of the JVM. Scheduled delivery
 * ({@link #publishAt}) holds the message until due, then appends it like a publish (so every group sees it,
 * in the order of due times). A delayed redelivery ({@link Topic#redeliver}) keeps the record's offset pending
 * in its group with the history-carrying message in place of the stored one, out of dispatch until due; in a
 * per-key group the key stays in flight meanwhile (parked), so no later message of the key reaches any member
 * of the group first, whoever joins or leaves. Both live as long as the broker, like everything in it.
 */
public final class MemoryBroker {
    private static final Map<String, MemoryBroker> BROKERS = new ConcurrentHashMap<>();

    /** The longest delay of a scheduled delivery or a delayed redelivery. */
    public static final java.time.Duration MAX_SCHEDULE_DELAY = java.time.Duration.ofDays(365);

    private static final java.util.concurrent.ScheduledThreadPoolExecutor SCHEDULER = scheduler();

    private static java.util.concurrent.ScheduledThreadPoolExecutor scheduler() {
        java.util.concurrent.ScheduledThreadPoolExecutor s = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "omnibus-memory-scheduler");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    private static void later(java.time.Instant due, Runnable task) {
        long nanos = java.time.Duration.between(java.time.Instant.now(), due).toNanos();
        SCHEDULER.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(MemoryBroker.class).error("A delayed delivery failed", e);
            }
        }, Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Records each topic keeps beyond what its groups still need, unless configured otherwise. */
    public static final long DEFAULT_RETAIN_MESSAGES = 100_000;

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final long retainMessages;

    private MemoryBroker(long retainMessages) { this.retainMessages = retainMessages; }

    /** The broker of this name with the default retention, created on first use. */
    public static MemoryBroker named(String name) { return BROKERS.computeIfAbsent(name, n -> new MemoryBroker(DEFAULT_RETAIN_MESSAGES)); }

    /**
     * The broker of this name, created with {@code retainMessages} on first use; {@code null} takes the
     * existing broker's setting (or the default). A different explicit value for an existing broker is
     * refused, since one broker has one retention.
     */
    public static MemoryBroker named(String name, Long retainMessages) {
        MemoryBroker b = BROKERS.computeIfAbsent(name, n -> new MemoryBroker(retainMessages == null ? DEFAULT_RETAIN_MESSAGES : retainMessages));
        if (retainMessages != null && b.retainMessages != retainMessages) {
            throw new dev.omnibus.ConfigurationException("retainMessages", retainMessages, "the value the memory broker '"
                    + name + "' was created with (" + b.retainMessages + "), or no value; one broker has one retention");
        }
        return b;
    }

    /** Records each topic keeps beyond what its groups still need. */
    public long retainMessages() { return retainMessages; }

    public static void reset(String name) { BROKERS.remove(name); }

    /** Names of the topics that exist (published to, subscribed or declared). */
    public java.util.Set<String> topicNames() { return new java.util.TreeSet<>(topics.keySet()); }

    /** Durable (named) groups of {@code topic}; empty when the topic does not exist. */
    public java.util.Set<String> groupNames(String topic) {
        Topic t = topics.get(topic);
        if (t == null) return java.util.Set.of();
        synchronized (t) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (Group g : t.groups.values()) if (!g.anonymous) names.add(g.name);
            return names;
        }
    }

    /** Forgets a group and what it had pending; refused while it has members, as Kafka refuses it for an active group. */
    public void deleteGroup(String topic, String group) {
        Topic t = topics.get(topic);
        if (t == null) return;
        synchronized (t) {
            Group g = t.groups.get(group);
            if (g == null || g.anonymous) return;
            if (!g.members.isEmpty()) {
                throw new IllegalStateException("Group '" + group + "' of topic '" + topic + "' has " + g.members.size()
                        + " running consumer(s); close them before deleting the group");
            }
            t.groups.remove(group);
        }
    }

    /** Pending plus in-flight records of a group, or {@code null} when the group does not exist. */
    public Long lag(String topic, String group) {
        Topic t = topics.get(topic);
        if (t == null) return null;
        synchronized (t) {
            Group g = t.groups.get(group);
            if (g == null || g.anonymous) return null;
            java.util.Set<Long> pending = new java.util.HashSet<>(g.ready);
            for (OffsetQueue q : g.queues.values()) q.forEach(pending::add);
            for (Member m : g.members) pending.addAll(m.unsettled);
            pending.addAll(g.delayed.keySet());
            return (long) pending.size();
        }
    }

    /** Forgets a topic with its records and groups; a later publish or subscribe starts it anew. */
    public void deleteTopic(String topic) { topics.remove(topic); }

    /** A retained record: an envelope, or foreign bytes. */
    record Stored(long offset, String key, Message message, byte[] raw, Map<String, String> headers) {}

    Topic topic(String name) { return topics.computeIfAbsent(name, Topic::new); }

    long publish(String topic, Message message) { return topic(topic).append(new StoredDraft(message.key(), message, null, null)); }

    /**
     * Holds {@code message} until {@code due}, then appends it to {@code topic} (at once when due is not in the
     * future). Messages due at the same time are appended in the order they were scheduled.
     */
    void publishAt(String topic, Message message, java.time.Instant due) {
        if (!due.isAfter(java.time.Instant.now())) {
            publish(topic, message);
            return;
        }
        later(due, () -> publish(topic, message));
    }

    public void publishRaw(String topic, String key, byte[] payload, Map<String, String> headers) {
        topic(topic).append(new StoredDraft(key, null, payload.clone(), Map.copyOf(headers)));
    }

    record StoredDraft(String key, Message message, byte[] raw, Map<String, String> headers) {}

    /** A subscriber attached to a group. */
    final class Member {
        final Topic topic;
        final Group group;
        final Consumer<Inbound> sink;
        final int maxInFlight;
        final Set<Long> unsettled = new HashSet<>();
        boolean receiving = true;
        boolean closed;

        Member(Topic topic, Group group, Consumer<Inbound> sink, int maxInFlight) {
            this.topic = topic;
            this.group = group;
            this.sink = sink;
            this.maxInFlight = maxInFlight;
        }

        void stopReceiving() {
            synchronized (topic) { receiving = false; }
            topic.dispatch();
        }

        void close() {
            synchronized (topic) {
                if (closed) return;
                closed = true;
                receiving = false;
                for (long offset : unsettled) group.giveBack(offset, topic.stored(offset).key());
                unsettled.clear();
                group.members.remove(this);
                if (group.anonymous && group.members.isEmpty()) topic.groups.remove(group.name);
            }
            topic.dispatch();
        }
    }

    final class Group {
        final String name;
        final boolean anonymous;
        final boolean perKey;
        /** Offsets that may be delivered now, lowest first. */
        final TreeSet<Long> ready = new TreeSet<>();
        /** Per-key groups: every pending offset of a key, in order; its head is ready unless the key is in flight. */
        final Map<String, OffsetQueue> queues = new HashMap<>();
        final Set<String> keysInFlight = new HashSet<>();
        final Map<Long, Integer> deliveries = new HashMap<>();
        /** Offsets handed back for a delayed redelivery, not deliverable until due (offset to key). */
        final Map<Long, String> delayed = new HashMap<>();
        /** The history-carrying message that replaces the stored one of a redelivered offset. */
        final Map<Long, Message> redelivered = new HashMap<>();
        final List<Member> members = new ArrayList<>();
        int nextMember;

        Group(String name, boolean anonymous, boolean perKey) {
            this.name = name;
            this.anonymous = anonymous;
            this.perKey = perKey;
        }

        private boolean ordered(String key) { return perKey && key != null; }

        /** The lowest offset this group may still deliver: ready, waiting behind a key, or in flight. */
        long lowestNeeded() {
            long low = ready.isEmpty() ? Long.MAX_VALUE : ready.first();
            for (OffsetQueue q : queues.values()) if (!q.isEmpty()) low = Math.min(low, q.peekFirst());
            for (Member m : members) for (long o : m.unsettled) low = Math.min(low, o);
            for (long o : delayed.keySet()) low = Math.min(low, o);
            return low;
        }

        /** A newly appended (or replayed) offset, in increasing order. */
        void add(long offset, String key) {
            if (!ordered(key)) {
                ready.add(offset);
                return;
            }
            OffsetQueue q = queues.computeIfAbsent(key, k -> new OffsetQueue());
            q.addLast(offset);
            if (q.size() == 1 && !keysInFlight.contains(key)) ready.add(offset);
        }

        /** The ready {@code offset} is being delivered (already removed from {@link #ready}). */
        void take(long offset, String key) {
            if (!ordered(key)) return;
            queues.get(key).pollFirst();
            keysInFlight.add(key);
        }

        /** A delivery was acknowledged: the key's next offset becomes ready. */
        void completed(String key) {
            if (!ordered(key)) return;
            keysInFlight.remove(key);
            OffsetQueue q = queues.get(key);
            if (q.isEmpty()) queues.remove(key);
            else ready.add(q.peekFirst());
        }

        /** A delivery came back (nack, or its member left): it is the key's next again. */
        void giveBack(long offset, String key) {
            ready.add(offset);
            if (!ordered(key)) return;
            keysInFlight.remove(key);
            queues.computeIfAbsent(key, k -> new OffsetQueue()).addFirst(offset);
        }
    }

    final class Topic {
        final String name;
        /** Records from offset {@link #base} on. */
        final ArrayList<Stored> log = new ArrayList<>();
        long base;
        /** Log size at which {@link #trim()} runs next: a retention's worth of appends after the last trim. */
        long trimAt = 2 * Math.max(retainMessages, 1024);
        final Map<String, Group> groups = new HashMap<>();

        Topic(String name) { this.name = name; }

        long append(StoredDraft d) {
            long offset;
            List<Runnable> deliveries;
            synchronized (this) {
                offset = base + log.size();
                log.add(new Stored(offset, d.key(), d.message(), d.raw(), d.headers()));
                if (log.size() >= trimAt) trim();
                for (Group g : groups.values()) g.add(offset, d.key());
                deliveries = collect();
            }
            run(deliveries);
            return offset;
        }

        synchronized Group group(String name, StartFrom startFrom, boolean perKey) {
            return groups.computeIfAbsent(name, n -> {
                Group g = new Group(n, false, perKey);
                if (startFrom == StartFrom.EARLIEST) for (Stored s : log) g.add(s.offset(), s.key());
                return g;
            });
        }

        Member join(String groupName, StartFrom startFrom, Ordering ordering, int maxInFlight, Consumer<Inbound> sink) {
            Member m;
            synchronized (this) {
                Group g = groupName == null
                        ? groups.computeIfAbsent("~" + UUID.randomUUID(), n -> new Group(n, true, ordering == Ordering.PER_KEY))
                        : group(groupName, startFrom, ordering == Ordering.PER_KEY);
                m = new Member(this, g, sink, maxInFlight);
                g.members.add(m);
            }
            dispatch();
            return m;
        }

        Stored stored(long offset) { return log.get((int) (offset - base)); }

        /**
         * Drops the oldest records beyond {@code retainMessages} that no group still needs (pending or in
         * flight). Runs once a retention's worth of records was appended since the last run, so its cost per
         * append stays constant also while a lagging group keeps the log long.
         */
        private void trim() {
            long keepFrom = base + log.size() - retainMessages;
            for (Group g : groups.values()) keepFrom = Math.min(keepFrom, g.lowestNeeded());
            int drop = (int) Math.max(0, keepFrom - base);
            if (drop > 0) {
                log.subList(0, drop).clear();
                base += drop;
            }
            trimAt = log.size() + Math.max(retainMessages, 1024);
        }

        /** Hands every deliverable pending message to a member with room; sinks are called outside the lock. */
        void dispatch() {
            List<Runnable> deliveries;
            synchronized (this) { deliveries = collect(); }
            run(deliveries);
        }

        /**
         * With the lock held: takes every deliverable pending message for a member with room, as calls of the
         * members' sinks to make after the lock is released ({@code null} when there are none). Callers that
         * changed the topic under the lock collect in the same block, so a publish or settle locks once.
         */
        private List<Runnable> collect() {
            List<Runnable> deliveries = null;
            for (Group g : groups.values()) deliveries = collect(g, deliveries);
            return deliveries;
        }

        private void run(List<Runnable> deliveries) {
            if (deliveries != null) for (int i = 0; i < deliveries.size(); i++) deliveries.get(i).run();
        }

        private List<Runnable> collect(Group g, List<Runnable> out) {
            if (g.members.isEmpty() || g.ready.isEmpty()) return out;
            Iterator<Long> it = g.ready.iterator();
            while (it.hasNext()) {
                if (!hasRoom(g)) return out;
                long offset = it.next();
                Stored s = stored(offset);
                it.remove();
                g.take(offset, s.key());
                Member target = nextWithRoom(g);
                int count = g.deliveries.merge(offset, 1, Integer::sum);
                target.unsettled.add(offset);
                MemoryInbound inbound = new MemoryInbound(target, s, count, g.redelivered.isEmpty() ? null : g.redelivered.get(offset));
                if (out == null) out = new ArrayList<>();
                out.add(() -> target.sink.accept(inbound));
            }
            return out;
        }

        private boolean hasRoom(Group g) {
            for (Member m : g.members) if (m.receiving && m.unsettled.size() < m.maxInFlight) return true;
            return false;
        }

        private Member nextWithRoom(Group g) {
            int n = g.members.size();
            for (int i = 0; i < n; i++) {
                Member m = g.members.get((g.nextMember + i) % n);
                if (m.receiving && m.unsettled.size() < m.maxInFlight) {
                    g.nextMember = (g.nextMember + i + 1) % n;
                    return m;
                }
            }
            return null;
        }

        void settle(Member member, Stored s, boolean ack) {
            List<Runnable> deliveries;
            synchronized (this) {
                if (!member.unsettled.remove(s.offset())) return; // member closed meanwhile: already given back
                Group g = member.group;
                if (ack) {
                    g.completed(s.key());
                    g.deliveries.remove(s.offset());
                    if (!g.redelivered.isEmpty()) g.redelivered.remove(s.offset());
                } else {
                    g.giveBack(s.offset(), s.key());
                }
                deliveries = collect();
            }
            run(deliveries);
        }

        /**
         * Settles the member's delivery of {@code s} by holding {@code message} (the record with its redelivery
         * history) for this group until {@code delay} has passed; false when the member no longer holds it (it
         * left, and the record went back to the group as it was).
         */
        boolean redeliver(Member member, Stored s, Message message, java.time.Duration delay) {
            Group g;
            synchronized (this) {
                if (!member.unsettled.remove(s.offset())) return false;
                g = member.group;
                g.redelivered.put(s.offset(), message);
                g.delayed.put(s.offset(), s.key()); // a per-key group keeps the key in flight: parked until due
            }
            later(java.time.Instant.now().plus(delay), () -> due(g, s.offset()));
            dispatch(); // the member has room again
            return true;
        }

        private void due(Group g, long offset) {
            synchronized (this) {
                if (groups.get(g.name) != g) return; // the group (or the topic) was deleted meanwhile
                if (!g.delayed.containsKey(offset)) return;
                g.giveBack(offset, g.delayed.remove(offset));
            }
            dispatch();
        }
    }

    /** One delivery of a stored record to a member. */
    static final class MemoryInbound implements Inbound {
        private final Member member;
        private final Stored stored;
        private final int deliveryCount;
        private final Message redelivered;

        MemoryInbound(Member member, Stored stored, int deliveryCount, Message redelivered) {
            this.member = member;
            this.stored = stored;
            this.deliveryCount = deliveryCount;
            this.redelivered = redelivered;
        }

        @Override
        public Message message() {
            if (redelivered != null) return redelivered;
            if (stored.message() == null) {
                String where = "record at offset " + stored.offset() + " of '" + member.topic.name + "'";
                if (StructuredCloudEvents.isStructured(stored.headers().get("content-type"))) {
                    return StructuredCloudEvents.decode(stored.raw(), stored.key(), stored.headers(), where);
                }
                throw new InvalidEnvelopeException("Record at offset " + stored.offset() + " of '" + member.topic.name
                        + "' is not a CloudEvents envelope (foreign producer)", stored.raw(), stored.headers());
            }
            return stored.message();
        }

        @Override public String key() { return stored.key(); }
        @Override public Position position() { return Position.of(member.topic.name, stored.offset()); }
        @Override public int deliveryCount() { return deliveryCount; }
        @Override public void ack() { member.topic.settle(member, stored, true); }
        @Override public void nack() { member.topic.settle(member, stored, false); }

        @Override
        public java.util.concurrent.CompletableFuture<Void> redeliverAfter(Message message, java.time.Duration delay) {
            if (delay.compareTo(MAX_SCHEDULE_DELAY) > 0) {
                return java.util.concurrent.CompletableFuture.failedFuture(new dev.omnibus.ConfigurationException("redelivery delay",
                        delay, "at most " + MAX_SCHEDULE_DELAY + " (the memory broker's longest delay)"));
            }
            if (!member.topic.redeliver(member, stored, message, delay)) {
                return java.util.concurrent.CompletableFuture.failedFuture(new dev.omnibus.ClosedException(
                        "memory subscription to '" + member.topic.name + "' (the message went back to its group)"));
            }
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }
}
