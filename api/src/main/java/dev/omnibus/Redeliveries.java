package dev.omnibus;

/**
 * The envelope extensions that carry a message's attempt history across delayed redeliveries
 * ({@link RedeliverySchedule}). The core writes them when it hands a message back to the broker and
 * reads them when the message comes back, so the history survives consumer crashes and restarts;
 * the dead letter of a redelivered message reports the whole history ({@link DeadLetters}).
 * Handlers see the attempt count as {@link Delivery#attempt()}, continuing across redeliveries.
 */
public final class Redeliveries {
    private Redeliveries() {}

    /** Redeliveries so far (1 after the first hand-back). */
    public static final String REDELIVERIES = "rdlvcount";
    /** Handler attempts so far, over every redelivery. */
    public static final String ATTEMPTS = "rdlvattempts";
    /** When the first attempt failed (RFC 3339). */
    public static final String FIRST_FAILURE = "rdlvfirstfailure";
    /** The last error's type (class name). */
    public static final String ERROR_TYPE = "rdlverrortype";
    /** The last error's message (at most 1,000 characters). */
    public static final String ERROR_MESSAGE = "rdlverrormessage";
    /** The topic the message was consumed from (the broker may deliver it through another destination). */
    public static final String ORIGINAL_TOPIC = "rdlvtopic";

    /** Every history extension. */
    public static final java.util.List<String> ALL = java.util.List.of(REDELIVERIES, ATTEMPTS, FIRST_FAILURE, ERROR_TYPE,
            ERROR_MESSAGE, ORIGINAL_TOPIC);
}
