package dev.omnibus.observation;

/** How a delivery ended for its group. */
public enum SettleOutcome {
    /** Handled: acknowledged. */
    COMPLETED,
    /** The handler dropped it on purpose (DropMessageException): acknowledged. */
    DROPPED,
    /** Already done for this group (idempotency store): acknowledged without running the handler. */
    DUPLICATE,
    /** Dead-lettered after its attempts (or at once): acknowledged after the dead letter was confirmed. */
    DEAD_LETTERED,
    /** Not a valid envelope: dead-lettered with the reason. */
    INVALID_ENVELOPE,
    /** Given back to the broker for redelivery (subscription closing). */
    GIVEN_BACK,
    /**
     * In-process attempts exhausted: handed back to the broker with its attempt history for a delayed
     * redelivery ({@link dev.omnibus.RedeliverySchedule}); the broker settled the original once it held the
     * redelivery. The message comes again; this is not a completion.
     */
    REDELIVERY_SCHEDULED
}
