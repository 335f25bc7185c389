package dev.omnibus;

/** A publish was not confirmed by the broker. The message may or may not have been stored when
 * {@link #indeterminate()} is true (e.g. a timeout after the bytes left the client). */
public class PublishException extends OmnibusException {
    private final boolean indeterminate;

    public PublishException(String message, Throwable cause) { this(message, cause, false); }

    public PublishException(String message, Throwable cause, boolean indeterminate) {
        super(message, cause);
        this.indeterminate = indeterminate;
    }

    /** True when the broker might have stored the message despite the failure. */
    public boolean indeterminate() { return indeterminate; }
}
