package dev.omnibus.schema;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where schema versions live, per subject, with the subject's {@link CompatibilityMode} enforced on
 * registration. Implementations: {@link InMemorySchemaRegistry} (tests, demos), {@link JdbcSchemaRegistry}
 * (PostgreSQL, shared by every instance). A client for a Confluent-compatible REST registry (Apicurio,
 * Confluent) implements the same interface; see docs/schemas.md for why none ships yet.
 *
 * <p>Contract: registered versions are immutable and numbered 1, 2, 3... per subject; registering a schema
 * equal to a registered version of the subject returns that version (idempotent, no compatibility check);
 * otherwise the candidate is checked against the subject's mode and either refused with
 * {@link IncompatibleSchemaException} (nothing registered) or stored as the next version. Thread-safe.
 * Failures of the store itself (database down, HTTP error) are {@link dev.omnibus.OmnibusException}s other
 * than the two above, so a consumer retries them rather than dead-lettering.
 */
public interface SchemaRegistry extends AutoCloseable {
    /** The registry's identity: the prefix of every {@link RegisteredSchema#uri()} it hands out. */
    URI uri();

    /** Registers {@code schema} as the next version of {@code subject} (or returns the equal existing one). */
    RegisteredSchema register(String subject, SchemaDefinition schema);

    /** What {@link #register} would refuse, without registering: empty = compatible (or already registered). */
    List<BreakingChange> check(String subject, SchemaDefinition schema);

    /** One version of a subject. */
    Optional<RegisteredSchema> version(String subject, int version);

    /** Every version of a subject, oldest first; empty for an unknown subject. */
    List<RegisteredSchema> versions(String subject);

    /** The registered version of {@code subject} equal to {@code schema}, if any. */
    Optional<RegisteredSchema> find(String subject, SchemaDefinition schema);

    /** The subject's mode ({@link CompatibilityMode#DEFAULT} until set). */
    CompatibilityMode compatibility(String subject);

    /** Sets the subject's mode for future registrations. */
    void compatibility(String subject, CompatibilityMode mode);

    /** The version a {@code dataschema} names, when it names one of this registry's. */
    default Optional<RegisteredSchema> resolve(String dataschema) {
        return Subjects.parse(dataschema)
                .filter(id -> Subjects.sameRegistry(uri(), id.registryUri()))
                .flatMap(id -> version(id.subject(), id.version()));
    }

    /** Releases connections; the default does nothing. */
    @Override default void close() {}
}
