package dev.omnibus.schema;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static dev.omnibus.schema.CompatibilityMode.BACKWARD;
import static dev.omnibus.schema.CompatibilityMode.BACKWARD_TRANSITIVE;
import static dev.omnibus.schema.CompatibilityMode.FORWARD;
import static dev.omnibus.schema.CompatibilityMode.FULL;
import static org.assertj.core.api.Assertions.assertThat;

/** Avro rules through org.apache.avro.SchemaCompatibility, reported as breaking changes. */
class AvroRulesTest {
    private static final SchemaDefinition V1 = SchemaDefinition.avro(TestSchemas.AVRO_V1);
    private static final SchemaDefinition V2 = SchemaDefinition.avro(TestSchemas.AVRO_V2);

    private static List<RegisteredSchema> history(SchemaDefinition... versions) {
        List<RegisteredSchema> out = new java.util.ArrayList<>();
        for (int i = 0; i < versions.length; i++) out.add(RegisteredSchema.of(URI.create("urn:t"), "s", i + 1, versions[i]));
        return out;
    }

    private static SchemaDefinition record(String fields) {
        return SchemaDefinition.avro("{\"type\": \"record\", \"name\": \"R\", \"fields\": [" + fields + "]}");
    }

    @Test void seedV1ToV2IsFullyCompatible() {
        assertThat(Compatibility.check(FULL, history(V1), V2)).isEmpty();
    }

    @Test void retypingTotalBreaksBothWaysNamingTheField() {
        List<BreakingChange> changes = Compatibility.check(FULL, history(V2), SchemaDefinition.avro(TestSchemas.AVRO_TOTAL_AS_STRING));
        assertThat(changes).hasSize(2).allSatisfy(c -> assertThat(c.location()).isEqualTo("/fields/total"));
        assertThat(changes.get(0)).satisfies(c -> {
            assertThat(c.direction()).isEqualTo("BACKWARD");
            assertThat(c.oldType()).isEqualTo("double");
            assertThat(c.newType()).isEqualTo("string");
            assertThat(c.reason()).contains("TYPE_MISMATCH");
        });
        assertThat(changes.get(1).direction()).isEqualTo("FORWARD");
    }

    @Test void addingAFieldWithoutADefaultBreaksBackward() {
        SchemaDefinition old = record("{\"name\": \"a\", \"type\": \"string\"}");
        SchemaDefinition added = record("{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": \"int\"}");
        assertThat(Compatibility.check(BACKWARD, history(old), added)).singleElement()
                .satisfies(c -> assertThat(c.reason()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("b"));
        assertThat(Compatibility.check(FORWARD, history(old), added)).isEmpty();
    }

    @Test void removingAFieldWithoutADefaultBreaksForward() {
        SchemaDefinition old = record("{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": \"int\"}");
        SchemaDefinition removed = record("{\"name\": \"a\", \"type\": \"string\"}");
        assertThat(Compatibility.check(BACKWARD, history(old), removed)).isEmpty();
        assertThat(Compatibility.check(FORWARD, history(old), removed)).singleElement()
                .satisfies(c -> assertThat(c.direction()).isEqualTo("FORWARD"));
    }

    @Test void removingAnEnumSymbolBreaksBackward() {
        SchemaDefinition old = record("{\"name\": \"s\", \"type\": {\"type\": \"enum\", \"name\": \"S\", \"symbols\": [\"NEW\", \"PAID\"]}}");
        SchemaDefinition narrow = record("{\"name\": \"s\", \"type\": {\"type\": \"enum\", \"name\": \"S\", \"symbols\": [\"NEW\"]}}");
        assertThat(Compatibility.check(BACKWARD, history(old), narrow)).singleElement().satisfies(c -> {
            assertThat(c.reason()).contains("MISSING_ENUM_SYMBOLS");
            assertThat(c.oldType()).contains("PAID");
        });
    }

    @Test void transitiveModesCheckEveryEarlierVersion() {
        SchemaDefinition v1 = record("{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"f\", \"type\": \"int\"}");
        SchemaDefinition v2 = record("{\"name\": \"a\", \"type\": \"string\"}");
        SchemaDefinition v3 = record("{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"f\", \"type\": \"string\", \"default\": \"x\"}");
        assertThat(Compatibility.check(BACKWARD, history(v1, v2), v3)).isEmpty();
        assertThat(Compatibility.check(BACKWARD_TRANSITIVE, history(v1, v2), v3)).singleElement().satisfies(c -> {
            assertThat(c.version()).isEqualTo(1);
            assertThat(c.location()).isEqualTo("/fields/f");
        });
    }
}
