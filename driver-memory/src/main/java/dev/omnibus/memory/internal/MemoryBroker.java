package dev.omnibus.memory.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
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
 */
public final class MemoryBroker {
    private static final Map<String, MemoryBroker> BROKERS = new ConcurrentHashMap<>();
    private static final int SCAN_LIMIT = 100_000;

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    public static MemoryBroker named(String name) { return BROKERS.computeIfAbsent(name, n -> new MemoryBroker()); }

    public static void reset(String name) { BROKERS.remove(name); }

    /** A retained record: an envelope, or foreign bytes. */
    record Stored(long offset, String key, Message message, byte[] raw, Map<String, String> headers) {}

    Topic topic(String name) { return topics.computeIfAbsent(name, Topic::new); }

    long publish(String topic, Message message) { return topic(topic).append(new StoredDraft(message.key(), message, null, null)); }

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
                for (long offset : unsettled) group.giveBack(offset, topic.log.get((int) offset).key());
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
        final TreeSet<Long> pending = new TreeSet<>();
        final Set<String> keysInFlight = new HashSet<>();
        final Map<Long, Integer> deliveries = new HashMap<>();
        final List<Member> members = new ArrayList<>();
        int nextMember;

        Group(String name, boolean anonymous, boolean perKey) {
            this.name = name;
            this.anonymous = anonymous;
            this.perKey = perKey;
        }

        void giveBack(long offset, String key) {
            pending.add(offset);
            if (key != null) keysInFlight.remove(key);
        }
    }

    final class Topic {
        final String name;
        final List<Stored> log = new ArrayList<>();
        final Map<String, Group> groups = new HashMap<>();

        Topic(String name) { this.name = name; }

        long append(StoredDraft d) {
            long offset;
            synchronized (this) {
                offset = log.size();
                log.add(new Stored(offset, d.key(), d.message(), d.raw(), d.headers()));
                for (Group g : groups.values()) g.pending.add(offset);
            }
            dispatch();
            return offset;
        }

        synchronized Group group(String name, StartFrom startFrom, boolean perKey) {
            return groups.computeIfAbsent(name, n -> {
                Group g = new Group(n, false, perKey);
                if (startFrom == StartFrom.EARLIEST) for (long o = 0; o < log.size(); o++) g.pending.add(o);
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

        /** Hands every deliverable pending message to a member with room; sinks are called outside the lock. */
        void dispatch() {
            List<Runnable> deliveries = new ArrayList<>();
            synchronized (this) {
                for (Group g : groups.values()) collect(g, deliveries);
            }
            deliveries.forEach(Runnable::run);
        }

        private void collect(Group g, List<Runnable> out) {
            if (g.members.isEmpty() || g.pending.isEmpty()) return;
            Set<String> blocked = new HashSet<>();
            Iterator<Long> it = g.pending.iterator();
            int scanned = 0;
            while (it.hasNext() && scanned++ < SCAN_LIMIT) {
                if (!hasRoom(g)) return;
                long offset = it.next();
                Stored s = log.get((int) offset);
                if (g.perKey && s.key() != null) {
                    if (g.keysInFlight.contains(s.key()) || blocked.contains(s.key())) {
                        blocked.add(s.key());
                        continue;
                    }
                    g.keysInFlight.add(s.key());
                }
                Member target = nextWithRoom(g);
                it.remove();
                int count = g.deliveries.merge(offset, 1, Integer::sum);
                target.unsettled.add(offset);
                MemoryInbound inbound = new MemoryInbound(target, s, count);
                out.add(() -> target.sink.accept(inbound));
            }
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
            synchronized (this) {
                if (!member.unsettled.remove(s.offset())) return; // member closed meanwhile: already given back
                Group g = member.group;
                if (ack) {
                    if (s.key() != null) g.keysInFlight.remove(s.key());
                    g.deliveries.remove(s.offset());
                } else {
                    g.giveBack(s.offset(), s.key());
                }
            }
            dispatch();
        }
    }

    /** One delivery of a stored record to a member. */
    static final class MemoryInbound implements Inbound {
        private final Member member;
        private final Stored stored;
        private final int deliveryCount;

        MemoryInbound(Member member, Stored stored, int deliveryCount) {
            this.member = member;
            this.stored = stored;
            this.deliveryCount = deliveryCount;
        }

        @Override
        public Message message() {
            if (stored.message() == null) {
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
    }
}
