package dev.omnibus;

import java.util.List;

/**
 * The dead-letter envelope, identical on every broker. A dead letter is the original message
 * unchanged (id, key, data, extensions) plus these CloudEvents extensions. {@link Messaging#redrive}
 * removes them again and republishes the original to {@link #ORIGINAL_TOPIC}.
 */
public final class DeadLetters {
    /** Default dead-letter topic suffix: {@code orders.placed} → {@code orders.placed.dlq}. */
    public static final String DEFAULT_SUFFIX = ".dlq";

    /** Topic the message was consumed from. */
    public static final String ORIGINAL_TOPIC = "dlqtopic";
    /** Consumer group that gave up on it ("" for a group-less subscription). */
    public static final String GROUP = "dlqgroup";
    /**
     * Broker position it was consumed at, in {@link Position#toString()} form {@code <partition>@<offset>}
     * where both parts are the broker's own terms: Kafka {@code 2@17} (partition@offset), Pulsar
     * {@code persistent://public/default/orders@7:0:-1} (full topic@message id), RabbitMQ
     * {@code orders|billing|2/4@1} (queue@delivery tag), memory {@code orders@17} (topic@offset). Each
     * driver's documentation gives its exact form, and the kit checks it.
     */
    public static final String POSITION = "dlqposition";
    /** Handler invocations made. 0 when the message never reached the handler (invalid envelope). */
    public static final String ATTEMPTS = "dlqattempts";
    /** RFC 3339 time of the first failure, microsecond precision like {@link Message#time()}. */
    public static final String FIRST_FAILURE = "dlqfirstfailure";
    /** RFC 3339 time of the last failure, microsecond precision like {@link Message#time()}. */
    public static final String LAST_FAILURE = "dlqlastfailure";
    /** Fully-qualified class name of the last error. */
    public static final String ERROR_TYPE = "dlqerrortype";
    /** Message of the last error (truncated to 1000 characters). */
    public static final String ERROR_MESSAGE = "dlqerrormessage";

    /** Every extension added by dead-lettering. */
    public static final List<String> ALL = List.of(ORIGINAL_TOPIC, GROUP, POSITION, ATTEMPTS, FIRST_FAILURE,
            LAST_FAILURE, ERROR_TYPE, ERROR_MESSAGE);

    private DeadLetters() {}

    /**
     * The original message, with every dead-letter extension removed, and the attempt history of delayed
     * redeliveries ({@link Redeliveries#ALL}) too: a redriven message starts its attempts afresh.
     */
    public static Message original(Message deadLetter) {
        Message.Builder b = deadLetter.toBuilder();
        for (String name : ALL) b.extension(name, null);
        for (String name : Redeliveries.ALL) b.extension(name, null);
        return b.build();
    }
}
