package dev.omnibus.spi;

import dev.omnibus.Message;
import dev.omnibus.internal.MessageAccess;

/**
 * Zero-copy access to message payloads, for drivers only.
 *
 * <p>{@link Message#data()} and {@link Message.Builder#data(byte[], String)} copy the payload, so that
 * application code can never change a message behind another holder's back. A driver moves every payload
 * through the broker client once per publish and once per delivery, and these two copies are pure overhead
 * there. The contract of the two methods below is what keeps that safe:
 * <ul>
 *   <li>{@link #array(Message)} returns the message's own array: the driver may hand it to a broker client
 *       that only reads it (a serializer, a socket write), and must never write to it, keep it beyond the send,
 *       or give it to application code.</li>
 *   <li>{@link #adopt(Message.Builder, byte[], String)} makes a freshly decoded array the payload: the driver
 *       gives up the array and must not keep, reuse or mutate it afterwards (a pooled or shared buffer must be
 *       copied instead, with the builder's {@code data} method).</li>
 * </ul>
 * Application code sees payloads only through {@link Message#data()} (a copy) and
 * {@link Message#dataBuffer()} (a read-only view), so neither method lets it observe or cause a change.
 */
public final class Payloads {
    private Payloads() {}

    /** The payload array of {@code message} itself, not a copy: read it, never write it or let it escape. */
    public static byte[] array(Message message) {
        return MessageAccess.get().data(message);
    }

    /**
     * Sets {@code data} as the payload of {@code builder} without copying it, with its content type; the caller
     * gives the array up. Returns the builder.
     */
    public static Message.Builder adopt(Message.Builder builder, byte[] data, String contentType) {
        return MessageAccess.get().adoptData(builder, data, contentType);
    }
}
