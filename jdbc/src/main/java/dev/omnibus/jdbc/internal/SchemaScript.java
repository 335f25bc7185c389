package dev.omnibus.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the shipped migration script {@code dev/omnibus/jdbc/schema-postgresql.sql}, picks one
 * section ({@code -- @section <name>}), fills in the table placeholders and runs its statements in one
 * transaction.
 */
public final class SchemaScript {
    /** Class-path location of the script. */
    public static final String RESOURCE = "/dev/omnibus/jdbc/schema-postgresql.sql";

    private SchemaScript() {}

    /** The statements of {@code section} for {@code table}, placeholders replaced. */
    public static List<String> statements(String section, TableName table) {
        String script = load();
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inSection = false;
        for (String line : script.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("-- @section ")) {
                inSection = trimmed.substring("-- @section ".length()).trim().equals(section);
                continue;
            }
            if (!inSection || trimmed.startsWith("--") || trimmed.isEmpty()) continue;
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().trim();
                out.add(sql.substring(0, sql.length() - 1)
                        .replace("{{table_name}}", table.name())
                        .replace("{{table}}", table.qualified()));
                current.setLength(0);
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("No section '" + section + "' in " + RESOURCE);
        return out;
    }

    /** Runs the statements of {@code section} on {@code connection} in one transaction. */
    public static void apply(Connection connection, String section, TableName table) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            // concurrent CREATE ... IF NOT EXISTS can still collide on the catalog; serialize appliers
            st.execute("SELECT pg_advisory_xact_lock(" + (table.qualified().hashCode() & 0x7fffffffL) + ")");
            for (String sql : statements(section, table)) st.execute(sql);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String load() {
        try (InputStream in = SchemaScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("Missing class-path resource " + RESOURCE);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
