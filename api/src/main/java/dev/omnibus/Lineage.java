package dev.omnibus;

/**
 * Event lineage, the same on every driver: a message published while a handler runs (on the handler's
 * thread) carries {@value #CORRELATION_ID}, inherited from the handled message (or that message's id
 * when it has none), and {@value #CAUSATION_ID}, the handled message's id, unless the publisher set
 * them. So a chain of events across services can be followed from any of them.
 */
public final class Lineage {
    /** Extension naming the first event of a causal chain (the same along the whole chain). */
    public static final String CORRELATION_ID = "correlationid";
    /** Extension naming the event whose handling published this one. */
    public static final String CAUSATION_ID = "causationid";

    private Lineage() {}

    /** {@code message} with the lineage of a message published while {@code handled} was being handled. */
    public static Message inherit(Message message, Message handled) {
        String correlation = message.extension(CORRELATION_ID);
        String causation = message.extension(CAUSATION_ID);
        if (correlation != null && causation != null) return message;
        Message.Builder b = message.toBuilder();
        if (correlation == null) {
            String inherited = handled.extension(CORRELATION_ID);
            b.extension(CORRELATION_ID, inherited != null ? inherited : handled.id());
        }
        if (causation == null) b.extension(CAUSATION_ID, handled.id());
        return b.build();
    }
}
