package dev.omnibus;

import java.util.Set;

/**
 * The topology on the broker, the same on every driver: what topics and groups exist, and removing
 * them, so tests and operators clean up without knowing a driver's naming scheme. Obtained from
 * {@link Messaging#admin()}, which needs {@link Capability#ADMIN}.
 *
 * <p>Names are Omnibus names (the topic and group given to {@code publish} and {@code subscribe}),
 * never native ones. Each call blocks until the broker answered, bounded by the driver's operation
 * timeout, and throws {@link BrokerUnavailableException} when the broker (or the management endpoint
 * the driver needs, documented per driver) cannot be reached. What each driver creates for a topic
 * and a group is listed in {@code docs/admin.md}.
 */
public interface MessagingAdmin {

    /** The topics on the broker (including dead-letter topics, {@code <topic>.dlq}), broker-internal ones excluded. */
    Set<String> topics();

    /**
     * The durable groups of {@code topic}: those that keep messages for a consumer that is not running
     * (group-less subscriptions are not groups and are not listed). Empty when the topic does not exist.
     */
    Set<String> groups(String topic);

    /**
     * Deletes the durable state of {@code group} on {@code topic} (committed position, queues,
     * subscription), including messages it has not consumed; a later subscription with the same group
     * starts as a new group. Refused with {@link IllegalStateException} while this {@code Messaging}
     * instance has a running subscription of that group on that topic. Deleting what does not exist
     * does nothing.
     */
    void deleteGroup(String topic, String group);

    /**
     * Deletes {@code topic}, its messages and the durable state of all its groups. Its dead-letter topic
     * is a topic of its own and is not deleted. Refused with {@link IllegalStateException} while this
     * {@code Messaging} instance has a running subscription on the topic. Deleting a topic that does not
     * exist does nothing.
     */
    void deleteTopic(String topic);
}
