package dev.omnibus.schema;

import dev.omnibus.OmnibusException;

import java.util.List;

/**
 * A payload does not satisfy its event type's schema. Thrown at publish time by
 * {@link Contracts#message(EventType, Object)} before anything reaches the broker; on the consumer side the
 * same finding dead-letters the message. The message lists every violation (location and reason).
 */
public class SchemaViolationException extends OmnibusException {
    private final List<String> violations;

    public SchemaViolationException(String subject, int version, List<String> violations) {
        super("Payload violates schema " + subject + " v" + version + ": " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /** Each violation: where in the payload and why. */
    public List<String> violations() { return violations; }
}
