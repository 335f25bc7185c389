package dev.omnibus;

import java.time.Duration;

/**
 * A running subscription. {@link #close()} stops receiving, lets running handlers finish (bounded by
 * the messaging close timeout) and hands unstarted messages back to the broker for redelivery.
 */
public interface Subscription extends AutoCloseable {
    String topic();

    /** The group, or {@code null} for a group-less subscription. */
    String group();

    /** True until {@link #close()} is called or the subscription fails fatally. */
    boolean isActive();

    /**
     * Closes, waiting at most {@code timeout} for running handlers. Idempotent. Called from this subscription's own
     * handler (stop after this message), it stops delivery and returns at once; the handler's message is settled when
     * the handler returns, and the close finishes on a thread of its own.
     */
    void close(Duration timeout);

    @Override
    void close();
}
