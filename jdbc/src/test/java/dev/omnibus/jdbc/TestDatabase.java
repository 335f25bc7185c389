package dev.omnibus.jdbc;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The real PostgreSQL the tests use: {@code OMNIBUS_JDBC_URL} (or system property {@code omnibus.jdbc.url}),
 * default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. Each instance owns a fresh schema
 * {@code omnibus_t_<random>} (dropped by {@link #close()}), so concurrent runs never collide.
 */
final class TestDatabase implements AutoCloseable {
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    private final String schema = "omnibus_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);

    TestDatabase() {
        String url = System.getenv("OMNIBUS_JDBC_URL");
        if (url == null || url.isBlank()) url = System.getProperty("omnibus.jdbc.url", DEFAULT_URL);
        dataSource.setURL(url);
        exec("CREATE SCHEMA " + schema);
    }

    DataSource dataSource() { return dataSource; }

    String schema() { return schema; }

    /** A schema-qualified table name in this run's schema. */
    String table(String name) { return schema + "." + name; }

    void exec(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    long count(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Terminates every server backend whose application_name is {@code applicationName}; returns how many. */
    long terminateBackends(String applicationName) {
        return count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                + applicationName.replace("'", "''") + "'");
    }

    @Override
    public void close() { exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); }
}
