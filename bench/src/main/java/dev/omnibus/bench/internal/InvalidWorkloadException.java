package dev.omnibus.bench.internal;

/** A workload file that cannot be used; the message names the file, the field, the value and what is accepted. */
public final class InvalidWorkloadException extends IllegalArgumentException {
    private final String field;

    public InvalidWorkloadException(String source, String field, Object value, String accepted) {
        super("Workload " + source + ": field '" + field + "' is " + (value == null ? "missing" : "'" + value + "'")
                + "; expected " + accepted);
        this.field = field;
    }

    public InvalidWorkloadException(String message, Throwable cause) {
        super(message, cause);
        this.field = null;
    }

    /** The offending field, or {@code null} when the file itself could not be read. */
    public String field() { return field; }
}
