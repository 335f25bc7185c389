package dev.omnibus.spi;

/** A driver-level subscription. Closed in two steps so in-flight work can still be acknowledged. */
public interface TransportSubscription {
    /** Stop handing new inbounds to the sink; already delivered ones can still be acked or nacked. */
    void stopReceiving();

    /** Release the consumer. Inbounds not settled by now are redelivered by the broker. Idempotent. */
    void close();
}
