package dev.omnibus.spi;

import dev.omnibus.Capability;

import dev.omnibus.Message;
import dev.omnibus.Position;

/**
 * One delivery handed by a transport to the core. Settled exactly once by {@link #ack()} or
 * {@link #nack()}; both may be called from any thread.
 */
public interface Inbound {
    /**
     * The decoded envelope. Throws {@link dev.omnibus.InvalidEnvelopeException} (with the raw payload
     * and headers) when the bytes are not a valid envelope; the core then dead-letters it.
     */
    Message message();

    /** The ordering key, available even when {@link #message()} would throw (may be {@code null}). */
    String key();

    /** Broker position of this delivery. */
    Position position();

    /** How many times the broker has delivered this message to this group, starting at 1. */
    int deliveryCount();

    /** Completes the message for the group: it is not delivered to the group again. */
    void ack();

    /** Gives the message back: the broker redelivers it (to this or another consumer of the group). */
    void nack();

    /**
     * Settles this inbound by handing {@code message} (this inbound's envelope plus the core's
     * {@link dev.omnibus.Redeliveries} history extensions) back to the broker, which delivers it to this
     * subscription's group, and to no other group, no earlier than {@code delay} from now. For a transport
     * that declares {@link Capability#DELAYED_REDELIVERY} (the core never calls this otherwise).
     *
     * <p>The future completes once the broker durably holds the redelivery; only then is the original
     * acknowledged (a crash in between may deliver both: at least once). It fails when the broker did
     * not take it, and the inbound is then still unsettled (the core retries or nacks). With
     * {@link dev.omnibus.Ordering#PER_KEY} and {@link Capability#ORDERED_DELAYED_REDELIVERY} declared, no
     * later message of the same key reaches any consumer of the group before the redelivered one.
     */
    default java.util.concurrent.CompletableFuture<Void> redeliverAfter(dev.omnibus.Message message, java.time.Duration delay) {
        throw new UnsupportedOperationException("this transport does not declare " + Capability.DELAYED_REDELIVERY);
    }
}
