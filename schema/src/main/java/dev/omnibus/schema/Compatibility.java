package dev.omnibus.schema;

import dev.omnibus.schema.internal.AvroRules;
import dev.omnibus.schema.internal.Finding;
import dev.omnibus.schema.internal.JsonSchemaRules;
import dev.omnibus.schema.internal.Parsed;

import java.util.ArrayList;
import java.util.List;

/**
 * The compatibility rules, usable without a registry (registries, the {@code schema check} command and
 * {@link SchemaAssertions} all call these). Avro follows Avro's schema resolution
 * ({@code org.apache.avro.SchemaCompatibility}); JSON Schema follows the rules J1-J8 listed in
 * docs/schemas.md. Schemas of different formats are never compatible.
 */
public final class Compatibility {
    /** Direction names used in {@link BreakingChange#direction()}. */
    public static final String BACKWARD = "BACKWARD", FORWARD = "FORWARD";

    private Compatibility() {}

    /**
     * The breaking changes that stop {@code candidate} from becoming the next version of a subject whose
     * versions so far are {@code previous} (oldest first) under {@code mode}; empty = it may be registered.
     */
    public static List<BreakingChange> check(CompatibilityMode mode, List<RegisteredSchema> previous, SchemaDefinition candidate) {
        List<BreakingChange> out = new ArrayList<>();
        if (mode == CompatibilityMode.NONE || previous.isEmpty()) return out;
        List<RegisteredSchema> against = mode.transitive() ? previous : List.of(previous.get(previous.size() - 1));
        for (RegisteredSchema old : against) {
            if (mode.backward()) {
                for (Finding f : readable(candidate, old.definition())) out.add(toChange(f, BACKWARD, old.version(), false));
            }
            if (mode.forward()) {
                for (Finding f : readable(old.definition(), candidate)) out.add(toChange(f, FORWARD, old.version(), true));
            }
        }
        return out;
    }

    /**
     * Why a consumer on {@code reader} cannot read data written with {@code writer} (empty = it can). The
     * changes are stated as from writer (old) to reader (new) with direction BACKWARD.
     */
    public static List<BreakingChange> readerReadsWriter(SchemaDefinition reader, SchemaDefinition writer, int writerVersion) {
        List<BreakingChange> out = new ArrayList<>();
        for (Finding f : readable(reader, writer)) out.add(toChange(f, BACKWARD, writerVersion, false));
        return out;
    }

    private static List<Finding> readable(SchemaDefinition reader, SchemaDefinition writer) {
        if (reader.format() != writer.format()) {
            return List.of(new Finding("/", writer.format().name(), reader.format().name(), "schema format changed"));
        }
        if (reader.equals(writer)) return List.of();
        return switch (reader.format()) {
            case AVRO -> AvroRules.readerReadsWriter(Parsed.avro(reader.canonical()), Parsed.avro(writer.canonical()));
            case JSON_SCHEMA -> JsonSchemaRules.readerReadsWriter(Parsed.json(reader.canonical()), Parsed.json(writer.canonical()));
        };
    }

    /** Old/new are the earlier version and the candidate; for FORWARD the reader is the old one. */
    private static BreakingChange toChange(Finding f, String direction, int version, boolean readerIsOld) {
        String oldType = readerIsOld ? f.readerSays() : f.writerSays();
        String newType = readerIsOld ? f.writerSays() : f.readerSays();
        return new BreakingChange(f.location(), oldType, newType, direction, version, f.reason());
    }
}
