package dev.omnibus.schema;

import dev.omnibus.OmnibusException;

import java.util.List;

/**
 * A schema version was refused because it breaks the subject's {@link CompatibilityMode}. Nothing was
 * registered. The message names every breaking change: location, old and new type, the guarantee broken and
 * the version it was compared with.
 */
public class IncompatibleSchemaException extends OmnibusException {
    private final String subject;
    private final CompatibilityMode mode;
    private final List<BreakingChange> changes;

    public IncompatibleSchemaException(String subject, CompatibilityMode mode, List<BreakingChange> changes) {
        super("Schema for subject '" + subject + "' breaks its " + mode + " compatibility (" + changes.size()
                + " breaking change" + (changes.size() == 1 ? "" : "s") + "): " + describe(changes)
                + ". Make the change compatible (e.g. add fields with defaults), or register it under a new subject");
        this.subject = subject;
        this.mode = mode;
        this.changes = List.copyOf(changes);
    }

    public String subject() { return subject; }
    public CompatibilityMode mode() { return mode; }
    /** Every breaking change found. */
    public List<BreakingChange> changes() { return changes; }

    static String describe(List<BreakingChange> changes) {
        StringBuilder b = new StringBuilder();
        for (BreakingChange c : changes) b.append(b.length() == 0 ? "" : "; ").append(c);
        return b.toString();
    }
}
