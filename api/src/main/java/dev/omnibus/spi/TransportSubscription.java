package dev.omnibus.spi;

/** A driver-level subscription. Closed in two steps so in-flight work can still be acknowledged. */
public interface TransportSubscription {
    /**
     * Stop handing new inbounds to the sink; already delivered ones can still be acked or nacked. On close the
     * core calls this before it nacks the inbounds it did not start, so a nack after it returns must not hand
     * the message to this sink again. A delivery already on its way while this runs is fine: the core takes it
     * and gives it back.
     */
    void stopReceiving();

    /** Release the consumer. Inbounds not settled by now are redelivered by the broker. Idempotent. */
    void close();
}
