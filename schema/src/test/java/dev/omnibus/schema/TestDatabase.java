package dev.omnibus.schema;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The real PostgreSQL: {@code OMNIBUS_JDBC_URL} (or {@code -Domnibus.jdbc.url}), default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. Each instance owns a fresh schema
 * {@code omnibus_s_<random>}, dropped by {@link #close()}, so runs never collide.
 */
final class TestDatabase implements AutoCloseable {
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    private final String schema = "omnibus_s_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);

    TestDatabase() {
        String url = System.getenv("OMNIBUS_JDBC_URL");
        if (url == null || url.isBlank()) url = System.getProperty("omnibus.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        dataSource.setURL(url);
        exec("CREATE SCHEMA " + schema);
    }

    DataSource dataSource() { return dataSource; }

    /** A table prefix in this run's schema. */
    String prefix(String name) { return schema + "." + name; }

    void exec(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() { exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); }
}
