package dev.omnibus;

/**
 * Root of every exception Omnibus throws. Unchecked: messaging failures surface through
 * {@link java.util.concurrent.CompletableFuture}s or at configuration time, never as checked noise.
 * Messages name the offending value and, where there is one, the fix. They never contain secrets.
 */
public class OmnibusException extends RuntimeException {
    public OmnibusException(String message) { super(message); }
    public OmnibusException(String message, Throwable cause) { super(message, cause); }
}
