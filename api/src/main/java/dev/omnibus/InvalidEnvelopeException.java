package dev.omnibus;

import java.util.Map;

/**
 * Bytes received from the broker do not form a valid Omnibus/CloudEvents envelope (e.g. a foreign
 * producer's message without {@code ce_id}). Drivers throw it from {@code Inbound.message()}; the core
 * dead-letters the raw payload and headers with the reason and keeps the subscription running.
 */
public class InvalidEnvelopeException extends OmnibusException {
    private final byte[] payload;
    private final Map<String, String> headers;

    public InvalidEnvelopeException(String reason, byte[] payload, Map<String, String> headers) {
        super(reason);
        this.payload = payload == null ? new byte[0] : payload.clone();
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The raw payload as received. */
    public byte[] payload() { return payload.clone(); }

    /** The raw headers/properties as received, values rendered as strings. */
    public Map<String, String> headers() { return headers; }
}
