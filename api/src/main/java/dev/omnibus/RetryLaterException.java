package dev.omnibus;

import java.time.Duration;

/**
 * Thrown by a handler to ask for another attempt after a specific delay instead of the policy's
 * backoff. It still counts as an attempt: after {@code maxAttempts} the message is dead-lettered.
 */
public class RetryLaterException extends RuntimeException {
    private final Duration delay;

    public RetryLaterException(Duration delay, String reason) {
        super(reason);
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
        }
        this.delay = delay;
    }

    public Duration delay() { return delay; }
}
