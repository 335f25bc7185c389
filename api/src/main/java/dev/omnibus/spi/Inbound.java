package dev.omnibus.spi;

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
}
