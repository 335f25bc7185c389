package dev.omnibus.schema;

import dev.omnibus.schema.internal.Registration;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A registry in this process's memory: for tests, demos and single-process applications. Its identity is
 * {@code urn:omnibus:schemas:<name>}, so messages written with it can be read only by consumers using the same
 * registry (same process, same name). Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final URI uri;
    private final Map<String, List<RegisteredSchema>> subjects = new HashMap<>();
    private final Map<String, CompatibilityMode> modes = new HashMap<>();

    /** A registry named {@code name} (letters, digits, '.', '_', '-'). */
    public InMemorySchemaRegistry(String name) {
        this.uri = URI.create("urn:omnibus:schemas:" + Subjects.check(name));
    }

    /** A registry with a random name. */
    public InMemorySchemaRegistry() { this("memory-" + UUID.randomUUID()); }

    @Override public URI uri() { return uri; }

    @Override
    public synchronized RegisteredSchema register(String subject, SchemaDefinition schema) {
        List<RegisteredSchema> versions = subjects.computeIfAbsent(Subjects.check(subject), s -> new ArrayList<>());
        Optional<RegisteredSchema> existing = Registration.existing(versions, schema);
        if (existing.isPresent()) return existing.get();
        int next = Registration.nextVersion(subject, compatibility(subject), versions, schema);
        RegisteredSchema r = RegisteredSchema.of(uri, subject, next, schema);
        versions.add(r);
        return r;
    }

    @Override
    public synchronized List<BreakingChange> check(String subject, SchemaDefinition schema) {
        return Registration.check(compatibility(subject), versions(subject), schema);
    }

    @Override
    public synchronized Optional<RegisteredSchema> version(String subject, int version) {
        return versions(subject).stream().filter(v -> v.version() == version).findFirst();
    }

    @Override
    public synchronized List<RegisteredSchema> versions(String subject) {
        return List.copyOf(subjects.getOrDefault(Subjects.check(subject), List.of()));
    }

    @Override
    public synchronized Optional<RegisteredSchema> find(String subject, SchemaDefinition schema) {
        return Registration.existing(versions(subject), schema);
    }

    @Override
    public synchronized CompatibilityMode compatibility(String subject) {
        return modes.getOrDefault(Subjects.check(subject), CompatibilityMode.DEFAULT);
    }

    @Override
    public synchronized void compatibility(String subject, CompatibilityMode mode) {
        modes.put(Subjects.check(subject), java.util.Objects.requireNonNull(mode, "mode"));
    }

    @Override public String toString() { return "InMemorySchemaRegistry{" + uri + "}"; }
}
