package dev.omnibus.memory.internal;

import dev.omnibus.Capability;
import dev.omnibus.ClosedException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportAdmin;
import dev.omnibus.spi.TransportSubscription;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A connection to a {@link MemoryBroker}. */
public final class MemoryTransport implements Transport {
    private static final Set<Capability> ORDERED = EnumSet.of(Capability.CONSUMER_GROUPS,
            Capability.PER_KEY_ORDERING, Capability.REPLAY, Capability.REQUEST_REPLY, Capability.ADMIN, Capability.LAG,
            Capability.SCHEDULED_DELIVERY, Capability.DELAYED_REDELIVERY, Capability.ORDERED_DELAYED_REDELIVERY);
    private static final Set<Capability> UNORDERED = EnumSet.of(Capability.CONSUMER_GROUPS,
            Capability.REPLAY, Capability.REQUEST_REPLY, Capability.ADMIN, Capability.LAG,
            Capability.SCHEDULED_DELIVERY, Capability.DELAYED_REDELIVERY);

    private static final String VERSION = readVersion();

    private final MemoryBroker broker;
    private final long maxMessageBytes;
    private final boolean perKeyOrdering;
    private final Set<MemoryBroker.Member> members = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public MemoryTransport(MemoryBroker broker, long maxMessageBytes, boolean perKeyOrdering) {
        this.broker = broker;
        this.maxMessageBytes = maxMessageBytes;
        this.perKeyOrdering = perKeyOrdering;
    }

    @Override public Set<Capability> capabilities() { return perKeyOrdering ? ORDERED : UNORDERED; }

    @Override
    public CompletableFuture<PublishReceipt> send(String topic, Message message) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("memory transport"));
        long size = encodedSize(message);
        if (size > maxMessageBytes) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(topic, size, maxMessageBytes,
                    "raise it with the maxMessageBytes option"));
        }
        long offset = broker.publish(topic, message);
        return CompletableFuture.completedFuture(new PublishReceipt(topic, message.id(), Position.of(topic, offset), Instant.now()));
    }

    /** Held by the broker's scheduler until due, then appended like {@link #send}; no position until then. */
    @Override
    public CompletableFuture<PublishReceipt> sendAt(String topic, Message message, Instant due) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("memory transport"));
        long size = encodedSize(message);
        if (size > maxMessageBytes) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(topic, size, maxMessageBytes,
                    "raise it with the maxMessageBytes option"));
        }
        broker.topic(topic); // the topic exists from now on, as after a publish
        broker.publishAt(topic, message, due);
        return CompletableFuture.completedFuture(new PublishReceipt(topic, message.id(), null, Instant.now()));
    }

    /** {@link MemoryBroker#MAX_SCHEDULE_DELAY}: 365 days. */
    @Override public java.time.Duration maxScheduleDelay() { return MemoryBroker.MAX_SCHEDULE_DELAY; }

    /** Payload plus attribute and extension text, as a wire encoding would carry them. */
    static long encodedSize(Message m) {
        long size = m.dataSize() + m.id().length() + m.source().length() + m.type().length() + 40;
        if (m.subject() != null) size += m.subject().length();
        if (m.dataContentType() != null) size += m.dataContentType().length();
        if (m.dataSchema() != null) size += m.dataSchema().length();
        for (Map.Entry<String, String> e : m.extensions().entrySet()) size += e.getKey().length() + e.getValue().length() + 3;
        return size;
    }

    @Override
    public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
        if (closed) throw new ClosedException("memory transport");
        MemoryBroker.Member member = broker.topic(topic).join(options.group(), options.startFrom(),
                perKeyOrdering ? options.ordering() : dev.omnibus.Ordering.NONE,
                options.maxInFlight(), sink);
        members.add(member);
        return new TransportSubscription() {
            @Override public void stopReceiving() { member.stopReceiving(); }
            @Override public void close() {
                member.close();
                members.remove(member);
            }
        };
    }

    @Override
    public void declareGroup(String topic, String group) {
        broker.topic(topic).group(group, StartFrom.LATEST, perKeyOrdering);
    }

    /** Pending plus in-flight records of the group; 0 for a group that does not exist (yet). */
    @Override
    public dev.omnibus.ConsumerLag lag(String topic, String group) {
        Long lag = broker.lag(topic, group);
        return dev.omnibus.ConsumerLag.of(topic, group, Map.of("0", lag == null ? 0L : lag));
    }

    @Override public boolean isConnected() { return !closed; }

    @Override
    public TransportAdmin admin() {
        return new TransportAdmin() {
            @Override public Set<String> topics() { return broker.topicNames(); }
            @Override public Set<String> groups(String topic) { return broker.groupNames(topic); }
            @Override public void deleteGroup(String topic, String group) { broker.deleteGroup(topic, group); }
            @Override public void deleteTopic(String topic) { broker.deleteTopic(topic); }
        };
    }

    @Override public long maxMessageBytes() { return maxMessageBytes; }

    /** {@code Omnibus memory <driver version> (in-process)}: the broker is this driver. */
    @Override public String brokerDescription() { return "Omnibus memory " + VERSION + " (in-process)"; }

    private static String readVersion() {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = MemoryTransport.class.getResourceAsStream("/dev/omnibus/memory/version.properties")) {
            if (in != null) p.load(in);
        } catch (java.io.IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public void close() {
        closed = true;
        for (MemoryBroker.Member m : members) m.close();
        members.clear();
    }
}
