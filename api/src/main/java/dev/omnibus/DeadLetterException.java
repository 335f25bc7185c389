package dev.omnibus;

/**
 * Thrown by a handler to dead-letter the message at once with a reason, without further attempts
 * (a poison message that no retry will fix).
 */
public class DeadLetterException extends RuntimeException {
    public DeadLetterException(String reason) { super(reason); }
    public DeadLetterException(String reason, Throwable cause) { super(reason, cause); }
}
