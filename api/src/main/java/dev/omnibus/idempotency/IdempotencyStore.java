package dev.omnibus.idempotency;

/**
 * Remembers which messages a group has completed, so that a handler's effect happens once per
 * (group, message id) even when the broker redelivers or a producer publishes the same message twice.
 *
 * <p>The core calls {@link #claim} before the handler, {@link #complete} after it succeeded and
 * {@link #release} when it finally failed (so a failed attempt leaves no claim behind and the message
 * can be processed again after a redrive). Implementations must be thread-safe and make
 * {@code claim} atomic across every consumer that shares the store.
 */
public interface IdempotencyStore {

    /** Outcome of a claim. */
    enum Claim {
        /** The caller owns the message now and must run the handler, then complete or release. */
        CLAIMED,
        /** The message was completed before: skip the handler and acknowledge. */
        ALREADY_DONE,
        /** Another consumer holds a live claim: try again later. */
        IN_PROGRESS
    }

    /** Atomically claims (group, messageId) for processing. */
    Claim claim(String group, String messageId);

    /** Marks a claimed message as done; later claims answer {@link Claim#ALREADY_DONE}. */
    void complete(String group, String messageId);

    /** Drops a claim after a failure; later claims answer {@link Claim#CLAIMED} again. */
    void release(String group, String messageId);
}
