package dev.omnibus;

/** The responder's handler failed; the reply carried its error type and message. */
public class RemoteHandlerException extends OmnibusException {
    private final String errorType;

    public RemoteHandlerException(String errorType, String message) {
        super("Responder failed with " + errorType + ": " + message);
        this.errorType = errorType;
    }

    /** Fully-qualified class name of the exception the responder threw. */
    public String errorType() { return errorType; }
}
