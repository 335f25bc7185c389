package dev.omnibus.jdbc.internal;

import dev.omnibus.ConfigurationException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated SQL table name: {@code table} or {@code schema.table}, each part an unquoted SQL
 * identifier (a letter or underscore, then letters, digits or underscores). Names are folded to lower
 * case, as PostgreSQL does with unquoted identifiers. Nothing else is accepted, so a name can be
 * spliced into SQL text without any risk of injection.
 *
 * @param schema    the schema, or {@code null} for the connection's search path
 * @param name      the table name without schema (at most 40 characters, leaving room for index names)
 */
public record TableName(String schema, String name) {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

    /** Parses and validates {@code text}; {@code key} names the option in the error message. */
    public static TableName parse(String key, String text) {
        if (text == null) throw new ConfigurationException(key, null, "a table name such as omnibus_outbox or app.omnibus_outbox");
        String lower = text.trim().toLowerCase(Locale.ROOT);
        int dot = lower.indexOf('.');
        String schema = dot < 0 ? null : lower.substring(0, dot);
        String name = dot < 0 ? lower : lower.substring(dot + 1);
        if ((schema != null && !SCHEMA.matcher(schema).matches()) || !TABLE.matcher(name).matches()) {
            throw new ConfigurationException(key, text, "[schema.]table where each part starts with a letter or '_' and"
                    + " continues with letters, digits or '_' (table at most 40 characters, schema at most 63);"
                    + " quoting and other characters are not accepted");
        }
        return new TableName(schema, name);
    }

    /** The name to use in SQL: {@code schema.table} or {@code table}. */
    public String qualified() { return schema == null ? name : schema + "." + name; }

    @Override public String toString() { return qualified(); }
}
