package dev.omnibus;

import java.util.Objects;

/**
 * Where a message sits in the broker, in the broker's own terms: Kafka partition and offset, Pulsar
 * message id, RabbitMQ queue and delivery tag, memory partition and offset.
 *
 * @param partition the partition, queue or shard ("" when the broker has none)
 * @param offset    the offset, message id or delivery tag rendered as text
 */
public record Position(String partition, String offset) {
    public Position {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(offset, "offset");
    }

    /** Position with a numeric offset. */
    public static Position of(String partition, long offset) { return new Position(partition, Long.toString(offset)); }

    /** Parses the {@link #toString()} form {@code partition@offset}. */
    public static Position parse(String text) {
        int at = text.lastIndexOf('@');
        return at < 0 ? new Position("", text) : new Position(text.substring(0, at), text.substring(at + 1));
    }

    @Override public String toString() { return partition + "@" + offset; }
}
