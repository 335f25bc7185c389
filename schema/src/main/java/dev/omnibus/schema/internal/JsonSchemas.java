package dev.omnibus.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.omnibus.schema.InvalidSchemaException;

import java.util.ArrayList;
import java.util.List;

/** JSON Schema validation on networknt json-schema-validator (draft 2020-12 unless {@code $schema} names another). */
public final class JsonSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private JsonSchemas() {}

    /** A compiled validator for {@code schemaText}. */
    public static Schema compile(String schemaText) {
        try {
            return REGISTRY.getSchema(schemaText, InputFormat.JSON);
        } catch (RuntimeException e) {
            throw new InvalidSchemaException("Not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    /** The violations of {@code json} against {@code schema}, each as "location: message"; empty = valid. */
    public static List<String> violations(Schema schema, JsonNode json) {
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(json)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }
}
