package dev.omnibus.nats.internal;

/**
 * How Omnibus names become JetStream names. A topic is the subject itself ({@code orders.placed}), so plain
 * NATS clients publish and subscribe to the topic name; its stream is the topic with {@code .} replaced by
 * {@code _} ({@code orders_placed}), because stream and consumer names may not contain dots. Two topics that
 * differ only in {@code .} versus {@code _} map to one stream name: the second is refused (docs/drivers/nats.md).
 */
public final class Names {
    /** Subjects of core NATS reply inboxes (jnats' default inbox prefix). */
    public static final String INBOX_PREFIX = "_INBOX.";

    private Names() {}

    /** The stream holding {@code topic}'s messages. */
    public static String stream(String topic) { return topic.replace('.', '_'); }

    /** The subject a topic's messages are published on. */
    public static String subject(String topic) { return topic; }

    /** The durable consumer of {@code group}. */
    public static String durable(String group) { return group.replace('.', '_'); }
}
