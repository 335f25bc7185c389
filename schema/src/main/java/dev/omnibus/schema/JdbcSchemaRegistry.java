package dev.omnibus.schema;

import dev.omnibus.schema.internal.Registration;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A registry in two PostgreSQL tables, {@code <prefix>_subjects} and {@code <prefix>_versions} (script:
 * {@code dev/omnibus/schema/registry-postgresql.sql}; {@link #createSchema()} applies it idempotently). Every
 * instance pointing at the same tables shares the registry: registration of a subject is serialized across
 * instances by a transaction-scoped advisory lock, so two instances never give one version number to
 * different schemas. Its identity is {@code urn:omnibus:schemas:jdbc:<prefix>} unless set with
 * {@link Builder#uri(URI)} (use the same on every instance).
 *
 * <p>Thread-safe; every call borrows a connection from the {@link DataSource}. A database failure is a
 * {@link SchemaStoreException} (retryable), never an {@link IncompatibleSchemaException}.
 *
 * <pre>{@code
 * JdbcSchemaRegistry registry = JdbcSchemaRegistry.builder(dataSource).tablePrefix("omnibus_schema").build();
 * registry.createSchema();
 * }</pre>
 */
public final class JdbcSchemaRegistry implements SchemaRegistry {
    /** Default table prefix. */
    public static final String DEFAULT_PREFIX = "omnibus_schema";
    /** Class-path location of the table script. */
    public static final String SCRIPT = "/dev/omnibus/schema/registry-postgresql.sql";
    private static final Pattern PREFIX = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,40}");

    private final DataSource dataSource;
    private final String prefix;
    private final URI uri;

    private JdbcSchemaRegistry(Builder b) {
        this.dataSource = b.dataSource;
        this.prefix = b.prefix;
        this.uri = b.uri != null ? b.uri : URI.create("urn:omnibus:schemas:jdbc:" + prefix);
    }

    public static Builder builder(DataSource dataSource) { return new Builder(dataSource); }

    /** Creates the tables if they do not exist (safe to call from every instance at start-up). */
    public void createSchema() {
        String script = loadScript();
        inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + lockKey("ddl") + ")");
                for (String sql : script.replace("{{prefix}}", prefix).split(";\\s*\n")) {
                    String body = stripComments(sql);
                    if (!body.isBlank()) st.execute(body);
                }
            }
            return null;
        });
    }

    @Override public URI uri() { return uri; }

    @Override
    public RegisteredSchema register(String subject, SchemaDefinition schema) {
        Subjects.check(subject);
        Objects.requireNonNull(schema, "schema");
        return inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + lockKey(subject) + ")");
            }
            List<RegisteredSchema> versions = versions(c, subject);
            Optional<RegisteredSchema> existing = Registration.existing(versions, schema);
            if (existing.isPresent()) return existing.get();
            int next = Registration.nextVersion(subject, mode(c, subject), versions, schema);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix
                    + "_versions (subject, version, format, schema_text) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, subject);
                ps.setInt(2, next);
                ps.setString(3, schema.format().name());
                ps.setString(4, schema.canonical());
                ps.executeUpdate();
            }
            return RegisteredSchema.of(uri, subject, next, schema);
        });
    }

    @Override
    public List<BreakingChange> check(String subject, SchemaDefinition schema) {
        Subjects.check(subject);
        return inTransaction(c -> Registration.check(mode(c, subject), versions(c, subject), schema));
    }

    @Override
    public Optional<RegisteredSchema> version(String subject, int version) {
        Subjects.check(subject);
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version, format, schema_text FROM " + prefix
                    + "_versions WHERE subject = ? AND version = ?")) {
                ps.setString(1, subject);
                ps.setInt(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(subject, rs)) : Optional.<RegisteredSchema>empty();
                }
            }
        });
    }

    @Override
    public List<RegisteredSchema> versions(String subject) {
        Subjects.check(subject);
        return inTransaction(c -> versions(c, subject));
    }

    @Override
    public Optional<RegisteredSchema> find(String subject, SchemaDefinition schema) {
        return Registration.existing(versions(subject), schema);
    }

    @Override
    public CompatibilityMode compatibility(String subject) {
        Subjects.check(subject);
        return inTransaction(c -> mode(c, subject));
    }

    @Override
    public void compatibility(String subject, CompatibilityMode mode) {
        Subjects.check(subject);
        Objects.requireNonNull(mode, "mode");
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "_subjects (subject, compatibility)"
                    + " VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET compatibility = EXCLUDED.compatibility, updated_at = now()")) {
                ps.setString(1, subject);
                ps.setString(2, mode.name());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private List<RegisteredSchema> versions(Connection c, String subject) throws SQLException {
        List<RegisteredSchema> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, format, schema_text FROM " + prefix
                + "_versions WHERE subject = ? ORDER BY version")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(subject, rs));
            }
        }
        return out;
    }

    private CompatibilityMode mode(Connection c, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT compatibility FROM " + prefix + "_subjects WHERE subject = ?")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? CompatibilityMode.valueOf(rs.getString(1)) : CompatibilityMode.DEFAULT;
            }
        }
    }

    private RegisteredSchema row(String subject, ResultSet rs) throws SQLException {
        return RegisteredSchema.of(uri, subject, rs.getInt(1),
                SchemaDefinition.of(SchemaFormat.valueOf(rs.getString(2)), rs.getString(3)));
    }

    private long lockKey(String subject) {
        return ((long) (prefix + "/" + subject).hashCode() << 16) ^ 0x5C4E;
    }

    private interface Work<T> { T run(Connection c) throws SQLException; }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new SchemaStoreException("Schema registry tables " + prefix + "_* failed: " + e.getMessage()
                    + " (did you call createSchema()?)", e);
        }
    }

    private static String stripComments(String sql) {
        StringBuilder b = new StringBuilder();
        for (String line : sql.split("\n")) if (!line.trim().startsWith("--")) b.append(line).append('\n');
        return b.toString().trim();
    }

    private static String loadScript() {
        try (InputStream in = JdbcSchemaRegistry.class.getResourceAsStream(SCRIPT)) {
            if (in == null) throw new IllegalStateException("Missing class-path resource " + SCRIPT);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchemaStoreException("Cannot read " + SCRIPT + ": " + e.getMessage(), e);
        }
    }

    @Override public String toString() { return "JdbcSchemaRegistry{" + prefix + ", " + uri + "}"; }

    /** Options; {@link #build()} validates. */
    public static final class Builder {
        private final DataSource dataSource;
        private String prefix = DEFAULT_PREFIX;
        private URI uri;

        private Builder(DataSource dataSource) { this.dataSource = Objects.requireNonNull(dataSource, "dataSource"); }

        /** Table prefix, optionally schema-qualified ({@code app.omnibus_schema}); unquoted SQL identifiers only. */
        public Builder tablePrefix(String prefix) {
            String p = prefix == null ? "" : prefix.trim().toLowerCase(Locale.ROOT);
            if (!PREFIX.matcher(p).matches()) {
                throw new dev.omnibus.ConfigurationException("tablePrefix", prefix, "[schema.]prefix of letters, digits"
                        + " and '_' starting with a letter or '_' (prefix at most 41 characters), e.g. omnibus_schema");
            }
            this.prefix = p;
            return this;
        }

        /** The registry identity carried in {@code dataschema}; the same on every instance sharing the tables. */
        public Builder uri(URI uri) {
            if (!uri.isAbsolute()) throw new dev.omnibus.ConfigurationException("uri", uri, "an absolute URI");
            this.uri = uri;
            return this;
        }

        public JdbcSchemaRegistry build() { return new JdbcSchemaRegistry(this); }
    }

}
