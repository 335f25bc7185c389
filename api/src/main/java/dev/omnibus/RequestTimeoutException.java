package dev.omnibus;

import java.time.Duration;

/** No reply arrived for a {@code request} within its timeout. */
public class RequestTimeoutException extends OmnibusException {
    public RequestTimeoutException(String topic, String correlationId, Duration timeout) {
        super("No reply on request topic '" + topic + "' for correlation id " + correlationId + " within " + timeout
                + "; is a responder subscribed (bus.respond(\"" + topic + "\", ...))?");
    }
}
