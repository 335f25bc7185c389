package dev.omnibus;

/** The broker could not be reached (or authenticated against) within the configured time. */
public class BrokerUnavailableException extends OmnibusException {
    public BrokerUnavailableException(String message, Throwable cause) { super(message, cause); }
}
