package dev.omnibus.schema;

/**
 * The compatibility rule a subject enforces when a new version is registered (the same names and meaning as
 * Confluent Schema Registry and Apicurio):
 *
 * <table>
 *   <caption>who can read what</caption>
 *   <tr><th>mode</th><th>new version checked against</th><th>guarantee</th></tr>
 *   <tr><td>BACKWARD</td><td>the latest version</td><td>consumers on the new schema read events written with the previous one</td></tr>
 *   <tr><td>BACKWARD_TRANSITIVE</td><td>every version</td><td>... with any earlier one</td></tr>
 *   <tr><td>FORWARD</td><td>the latest version</td><td>consumers on the previous schema read events written with the new one</td></tr>
 *   <tr><td>FORWARD_TRANSITIVE</td><td>every version</td><td>consumers on any earlier schema read new events</td></tr>
 *   <tr><td>FULL</td><td>the latest version</td><td>BACKWARD and FORWARD</td></tr>
 *   <tr><td>FULL_TRANSITIVE</td><td>every version</td><td>BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE</td></tr>
 *   <tr><td>NONE</td><td>nothing</td><td>no check</td></tr>
 * </table>
 */
public enum CompatibilityMode {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The mode a subject has until one is set: FULL, so that both new and old consumers read every version. */
    public static final CompatibilityMode DEFAULT = FULL;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityMode(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** New readers must read old data. */
    public boolean backward() { return backward; }
    /** Old readers must read new data. */
    public boolean forward() { return forward; }
    /** Checked against every earlier version, not only the latest. */
    public boolean transitive() { return transitive; }

    /** Parses a mode name, case-insensitive; the error names the accepted ones. */
    public static CompatibilityMode parse(String text) {
        for (CompatibilityMode m : values()) {
            if (m.name().equalsIgnoreCase(text == null ? "" : text.trim())) return m;
        }
        throw new IllegalArgumentException("Unknown compatibility mode '" + text + "': expected one of "
                + java.util.Arrays.toString(values()));
    }
}
