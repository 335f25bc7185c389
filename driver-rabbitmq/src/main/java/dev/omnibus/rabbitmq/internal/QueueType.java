package dev.omnibus.rabbitmq.internal;

/** The RabbitMQ queue type used for groups ({@code queueType} option). */
public enum QueueType {
    /** Replicated Raft queue: durable, poison-message delivery limit. The default. */
    QUORUM,
    /** Classic durable queue. */
    CLASSIC,
    /** Append-only stream: replay from the first retained message, no competing consumers. */
    STREAM;

    /** The {@code x-queue-type} argument value. */
    public String argument() { return name().toLowerCase(); }
}
