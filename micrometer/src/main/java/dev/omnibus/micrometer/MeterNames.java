package dev.omnibus.micrometer;

/**
 * The meters and tags {@link OmnibusMetrics} registers (Prometheus turns dots into underscores and adds
 * unit suffixes, e.g. {@code messaging_process_duration_seconds}). Every meter carries
 * {@link #SYSTEM}; consumer meters carry {@link #DESTINATION} and {@link #GROUP} ({@code ""} for a
 * group-less subscription); no tag ever holds a message id or key.
 */
public final class MeterNames {
    /** Counter: messages the broker confirmed, tags system, destination, operation ({@code send}), {@link #KIND}. */
    public static final String SENT = "messaging.client.sent.messages";
    /** Timer: publish to broker confirmation (successful or not), tags system, destination, operation, {@link #KIND}, {@link #ERROR_TYPE}. */
    public static final String OPERATION_DURATION = "messaging.client.operation.duration";
    /** Counter: deliveries settled by a group (handled, dropped, dead-lettered, duplicate, invalid), tags system, destination, group. */
    public static final String CONSUMED = "messaging.client.consumed.messages";
    /** Timer: one handler attempt, tags system, destination, group, {@link #ERROR_TYPE}. */
    public static final String PROCESS_DURATION = "messaging.process.duration";

    /** Counter: failed handler attempts that are retried in process, tags system, destination, group. */
    public static final String RETRIES = "omnibus.retries";
    /** Counter: deliveries dead-lettered, tags system, destination (the original topic), group, {@link #REASON}. */
    public static final String DEAD_LETTERS = "omnibus.dead.letters";
    /** Counter: deliveries handed back to the broker for a delayed redelivery (SubscribeOptions.redelivery). */
    public static final String REDELIVERIES = "omnibus.redeliveries";
    /** Counter: deliveries that were not a valid envelope, tags system, destination, group. */
    public static final String INVALID_ENVELOPES = "omnibus.invalid.envelopes";
    /** Counter: deliveries skipped by the idempotency store, tags system, destination, group. */
    public static final String DUPLICATES = "omnibus.duplicates.skipped";
    /** Counter: publishes that failed, tags system, destination, {@link #KIND}, {@link #ERROR_TYPE}. */
    public static final String PUBLISH_FAILURES = "omnibus.publish.failures";
    /** Timer: the envelope's {@code time} to the start of the first handler attempt, tags system, destination, group. */
    public static final String END_TO_END_LATENCY = "omnibus.end.to.end.latency";
    /** Gauge: deliveries received and not yet settled (polled from health), tags system, destination, group. */
    public static final String IN_FLIGHT = "omnibus.messages.in.flight";
    /** Gauge: consumer lag of a group as the broker sees it (polled), tags system, destination, group. */
    public static final String LAG = "omnibus.consumer.lag";
    /** Gauge: consumer lag per partition (polled), tags system, destination, group, {@link #PARTITION}. */
    public static final String PARTITION_LAG = "omnibus.consumer.partition.lag";

    public static final String SYSTEM = "messaging.system";
    public static final String DESTINATION = "messaging.destination.name";
    public static final String GROUP = "messaging.consumer.group.name";
    public static final String OPERATION = "messaging.operation.name";
    /** {@code none} when the operation succeeded, else the exception's class name. */
    public static final String ERROR_TYPE = "error.type";
    /** Why a message was published: publish, dead_letter, redrive, request, reply. */
    public static final String KIND = "omnibus.publish.kind";
    /** {@code handler_failed} or {@code invalid_envelope}. */
    public static final String REASON = "omnibus.reason";
    /** The broker's partition name (Kafka partition number, Pulsar partition, RabbitMQ shard queue, {@code 0}). */
    public static final String PARTITION = "messaging.destination.partition.id";

    private MeterNames() {}
}
