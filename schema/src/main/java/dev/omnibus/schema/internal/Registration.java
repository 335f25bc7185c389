package dev.omnibus.schema.internal;

import dev.omnibus.schema.BreakingChange;
import dev.omnibus.schema.Compatibility;
import dev.omnibus.schema.CompatibilityMode;
import dev.omnibus.schema.IncompatibleSchemaException;
import dev.omnibus.schema.RegisteredSchema;
import dev.omnibus.schema.SchemaDefinition;

import java.util.List;
import java.util.Optional;

/** The registration decision every client-side registry shares: reuse an equal version, refuse, or number the next. */
public final class Registration {
    private Registration() {}

    /** The existing equal version, if any. */
    public static Optional<RegisteredSchema> existing(List<RegisteredSchema> versions, SchemaDefinition schema) {
        return versions.stream().filter(v -> v.definition().equals(schema)).findFirst();
    }

    /**
     * Empty when {@code schema} is already registered (use {@link #existing}); otherwise the version number to
     * store it under; throws {@link IncompatibleSchemaException} when the mode refuses it.
     */
    public static int nextVersion(String subject, CompatibilityMode mode, List<RegisteredSchema> versions, SchemaDefinition schema) {
        List<BreakingChange> changes = Compatibility.check(mode, versions, schema);
        if (!changes.isEmpty()) throw new IncompatibleSchemaException(subject, mode, changes);
        return versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    }

    /** What {@code register} would refuse. */
    public static List<BreakingChange> check(CompatibilityMode mode, List<RegisteredSchema> versions, SchemaDefinition schema) {
        return existing(versions, schema).isPresent() ? List.of() : Compatibility.check(mode, versions, schema);
    }
}
