package dev.omnibus.schema;

/**
 * One reason a schema version cannot replace another under a rule.
 *
 * @param location  where in the schema: a field path such as {@code /fields/total} or {@code /properties/total}
 * @param oldType   what the earlier version says there (a type, an enum, a constraint), or {@code "(absent)"}
 * @param newType   what the new version says there, or {@code "(absent)"}
 * @param direction which guarantee breaks: {@code BACKWARD} (new readers cannot read old data) or
 *                  {@code FORWARD} (old readers cannot read new data)
 * @param version   the earlier version the new one was compared with (0 when it is not a registered version)
 * @param reason    the rule in words, e.g. "required property added without a default"
 */
public record BreakingChange(String location, String oldType, String newType, String direction, int version,
                             String reason) {
    /** Marker for "nothing there" in {@link #oldType} / {@link #newType}. */
    public static final String ABSENT = "(absent)";

    /** The same change, attributed to a direction and an earlier version. */
    public BreakingChange against(String direction, int version) {
        return new BreakingChange(location, oldType, newType, direction, version, reason);
    }

    /** One line: {@code BACKWARD vs v1 at /total: double -> string: reader's type does not accept the writer's}. */
    @Override
    public String toString() {
        return direction + (version > 0 ? " vs v" + version : "") + " at " + location + ": " + oldType + " -> " + newType
                + ": " + reason;
    }
}
