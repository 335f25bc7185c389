package dev.omnibus.spi;

import java.util.Set;

/**
 * The optional topology operations behind {@link dev.omnibus.MessagingAdmin}, offered by a transport
 * that declares {@link dev.omnibus.Capability#ADMIN}. The core validates names and refuses deleting
 * what the same {@code Messaging} instance still consumes; the transport maps Omnibus topic and group
 * names to its native objects, and forgets what it cached about deleted ones (producers, declared
 * queues), so that a later publish or subscribe creates them again. Every method blocks, bounded by
 * the driver's operation timeout, and throws {@link dev.omnibus.BrokerUnavailableException} when the
 * broker cannot be reached.
 */
public interface TransportAdmin {
    /** Omnibus topic names present on the broker, broker-internal ones excluded. */
    Set<String> topics();

    /** Durable groups of {@code topic}; empty when the topic does not exist. */
    Set<String> groups(String topic);

    /** Removes the group's durable state on the topic; no-op when absent. */
    void deleteGroup(String topic, String group);

    /** Removes the topic with its messages and its groups' state; no-op when absent. */
    void deleteTopic(String topic);
}
