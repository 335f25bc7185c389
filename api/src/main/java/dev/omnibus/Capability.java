package dev.omnibus;

/**
 * A semantic a driver declares for its current configuration. A declared capability is proven by the
 * conformance kit; using an undeclared one fails fast with {@link UnsupportedCapabilityException}.
 *
 * <p>Which driver, in which configuration, provides a capability is not written here: each driver
 * states it ({@link dev.omnibus.spi.MessagingDriver#offers()}), the kit checks that the stated
 * configuration really declares it, and error messages are built from those statements.
 */
public enum Capability {
    /** Competing consumers inside a named group, fan-out across groups. */
    CONSUMER_GROUPS,
    /** One group sees the messages of one key in publish order, with any concurrency. */
    PER_KEY_ORDERING,
    /** A new group can start from the earliest retained message. */
    REPLAY,
    /** Acknowledged messages survive a broker restart. */
    DURABLE,
    /**
     * The broker itself holds a failed message back for a delay and then delivers it again to the same
     * group, with its attempt history ({@link SubscribeOptions#redelivery}); a consumer crash during the
     * delay neither loses it nor resets its attempt count. Non-blocking: later messages of the same key
     * may overtake it, so it is usable with {@link Ordering#NONE}.
     */
    DELAYED_REDELIVERY,
    /**
     * {@link #DELAYED_REDELIVERY} that also holds the key: with {@link Ordering#PER_KEY} no later message of
     * the same key is handed to any consumer of the group before the delayed one, across consumer restarts.
     */
    ORDERED_DELAYED_REDELIVERY,
    /**
     * {@link PublishOptions#deliverAt}: the broker holds a published message until it is due, durably
     * (a broker or consumer restart neither loses it nor delivers it early).
     */
    SCHEDULED_DELIVERY,
    /** The broker drops duplicate publishes of the same producer sequence. */
    BROKER_DEDUPLICATION,
    /** request/respond with correlation and reply addresses. */
    REQUEST_REPLY,
    /** {@link Messaging#admin()}: list and delete the topics and groups on the broker. */
    ADMIN,
    /** {@link Messaging#lag}: a group's lag as the broker sees it, per partition where there are partitions. */
    LAG
}
