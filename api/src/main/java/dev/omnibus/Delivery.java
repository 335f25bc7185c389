package dev.omnibus;

import java.time.Instant;

/**
 * What a handler receives: the message plus where and how it arrived. Immutable.
 *
 * @param message       the envelope
 * @param topic         the topic it was published to
 * @param group         the consumer group, or {@code null} for a group-less (fan-out) subscription
 * @param position      the broker position (partition/offset, message id, delivery tag)
 * @param attempt       1 for the first handler invocation of this delivery, 2 for the first retry, …
 * @param deliveryCount how many times the broker has delivered it to this group (1 = first time)
 * @param firstReceived when this process first received it
 */
public record Delivery(Message message, String topic, String group, Position position, int attempt,
                       int deliveryCount, Instant firstReceived) {

    /** The payload decoded by the default JSON codec. */
    public <T> T data(Class<T> type) { return message.data(type); }

    /** Shortcut for {@code message().key()}. */
    public String key() { return message.key(); }

    /** Shortcut for {@code message().id()}. */
    public String id() { return message.id(); }
}
