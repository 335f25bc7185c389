package dev.omnibus.observation;

/** Why a message is published. */
public enum PublishKind {
    /** {@code Messaging.publish}. */
    PUBLISH,
    /** A dead letter, published by the core after the last attempt (its cause is the failed delivery). */
    DEAD_LETTER,
    /** A dead letter moved back to its topic by {@code redrive} (its cause is the dead letter's delivery). */
    REDRIVE,
    /** A request of {@code Messaging.request}. */
    REQUEST,
    /** A reply of a responder (its cause is the request's delivery). */
    REPLY
}
