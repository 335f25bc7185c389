package dev.omnibus;

/**
 * A {@link Message} attribute or extension is not valid CloudEvents 1.0, or cannot be carried exactly
 * by the connected broker. Thrown by {@link Message.Builder#build()} (and the builder's setters for
 * extension names) before anything is sent, or by {@link Messaging#publish} when one broker cannot
 * carry a value the others can; nothing was sent in either case. The message names the attribute,
 * the offending value (abbreviated) and what is accepted.
 */
public class InvalidMessageException extends OmnibusException {
    private final String attribute;

    public InvalidMessageException(String attribute, String message) {
        super(message);
        this.attribute = attribute;
    }

    /** The CloudEvents attribute or extension name at fault, e.g. {@code source} or {@code tenantid}. */
    public String attribute() { return attribute; }
}
