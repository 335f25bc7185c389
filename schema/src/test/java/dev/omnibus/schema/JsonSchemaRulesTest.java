package dev.omnibus.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.omnibus.schema.CompatibilityMode.BACKWARD;
import static dev.omnibus.schema.CompatibilityMode.FORWARD;
import static dev.omnibus.schema.CompatibilityMode.FULL;
import static org.assertj.core.api.Assertions.assertThat;

/** The JSON Schema rules J1-J8 of docs/schemas.md, one test each way. */
class JsonSchemaRulesTest {
    private static final String BASE = """
            {"type": "object", "properties": {%s}, "required": [%s]%s}""";

    private static SchemaDefinition obj(String props, String required) { return obj(props, required, ""); }

    private static SchemaDefinition obj(String props, String required, String extra) {
        return SchemaDefinition.jsonSchema(BASE.formatted(props, required, extra));
    }

    private static List<BreakingChange> check(CompatibilityMode mode, SchemaDefinition old, SchemaDefinition candidate) {
        return Compatibility.check(mode, List.of(RegisteredSchema.of(java.net.URI.create("urn:t"), "s", 1, old)), candidate);
    }

    private static final SchemaDefinition V1 = obj("\"id\": {\"type\": \"string\"}, \"total\": {\"type\": \"number\"}", "\"id\", \"total\"");

    @Test void seedV1ToV2IsFullyCompatible() {
        assertThat(check(FULL, SchemaDefinition.jsonSchema(TestSchemas.JSON_V1), SchemaDefinition.jsonSchema(TestSchemas.JSON_V2))).isEmpty();
    }

    @Test void addingAnOptionalPropertyWithADefaultIsCompatible() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"string\"}, \"total\": {\"type\": \"number\"}, \"currency\": {\"type\": \"string\", \"default\": \"USD\"}",
                "\"id\", \"total\"");
        assertThat(check(FULL, V1, v2)).isEmpty();
    }

    @Test void addingARequiredPropertyWithADefaultIsCompatible() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"string\"}, \"total\": {\"type\": \"number\"}, \"currency\": {\"type\": \"string\", \"default\": \"USD\"}",
                "\"id\", \"total\", \"currency\"");
        assertThat(check(FULL, V1, v2)).isEmpty();
    }

    @Test void addingARequiredPropertyWithoutADefaultBreaksBackward() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"string\"}, \"total\": {\"type\": \"number\"}, \"currency\": {\"type\": \"string\"}",
                "\"id\", \"total\", \"currency\"");
        List<BreakingChange> changes = check(BACKWARD, V1, v2);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.location()).isEqualTo("/properties/currency");
            assertThat(c.oldType()).isEqualTo("(absent)");
            assertThat(c.newType()).isEqualTo("required");
            assertThat(c.direction()).isEqualTo("BACKWARD");
            assertThat(c.version()).isEqualTo(1);
            assertThat(c.reason()).contains("required property without a default");
        });
        assertThat(check(FORWARD, V1, v2)).isEmpty();
    }

    @Test void removingARequiredPropertyBreaksForward() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"string\"}", "\"id\"");
        assertThat(check(BACKWARD, V1, v2)).isEmpty(); // new readers ignore the old property
        assertThat(check(FORWARD, V1, v2)).singleElement().satisfies(c -> {
            assertThat(c.location()).isEqualTo("/properties/total");
            assertThat(c.oldType()).isEqualTo("required");
            assertThat(c.direction()).isEqualTo("FORWARD");
        });
    }

    @Test void removingAPropertyBreaksBackwardWhenTheNewSchemaIsClosed() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"string\"}", "\"id\"", ", \"additionalProperties\": false");
        assertThat(check(BACKWARD, V1, v2)).singleElement().satisfies(c -> {
            assertThat(c.location()).isEqualTo("/properties/total");
            assertThat(c.reason()).contains("forbids additional properties");
        });
    }

    @Test void retypingARequiredPropertyBreaksBothWays() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"string\"}, \"total\": {\"type\": \"string\"}", "\"id\", \"total\"");
        List<BreakingChange> changes = check(FULL, V1, v2);
        assertThat(changes).hasSize(2).allSatisfy(c -> {
            assertThat(c.location()).isEqualTo("/properties/total");
            assertThat(c.oldType()).isEqualTo("number");
            assertThat(c.newType()).isEqualTo("string");
        });
        assertThat(changes).extracting(BreakingChange::direction).containsExactly("BACKWARD", "FORWARD");
        assertThat(changes.get(0).toString()).isEqualTo("BACKWARD vs v1 at /properties/total: number -> string: type changed: reader does not accept [number]");
    }

    @Test void wideningIntegerToNumberIsBackwardOnly() {
        SchemaDefinition old = obj("\"n\": {\"type\": \"integer\"}", "\"n\"");
        SchemaDefinition wide = obj("\"n\": {\"type\": \"number\"}", "\"n\"");
        assertThat(check(BACKWARD, old, wide)).isEmpty();
        assertThat(check(FORWARD, old, wide)).hasSize(1);
    }

    @Test void droppingNullFromATypeBreaksBackward() {
        SchemaDefinition old = obj("\"region\": {\"type\": [\"string\", \"null\"]}", "");
        SchemaDefinition strict = obj("\"region\": {\"type\": \"string\"}", "");
        assertThat(check(BACKWARD, old, strict)).singleElement().satisfies(c -> assertThat(c.reason()).contains("[null]"));
        assertThat(check(FORWARD, old, strict)).isEmpty();
    }

    @Test void narrowingAnEnumBreaksBackwardAndWideningBreaksForward() {
        SchemaDefinition old = obj("\"s\": {\"enum\": [\"NEW\", \"PAID\", \"SHIPPED\"]}", "\"s\"");
        SchemaDefinition narrow = obj("\"s\": {\"enum\": [\"NEW\", \"PAID\"]}", "\"s\"");
        assertThat(check(BACKWARD, old, narrow)).singleElement().satisfies(c -> {
            assertThat(c.location()).isEqualTo("/properties/s/enum");
            assertThat(c.reason()).contains("enum narrowed").contains("SHIPPED");
        });
        assertThat(check(FORWARD, old, narrow)).isEmpty();
        assertThat(check(FORWARD, narrow, old)).hasSize(1);
    }

    @Test void tighteningAConstraintBreaksBackward() {
        SchemaDefinition old = obj("\"id\": {\"type\": \"string\", \"maxLength\": 64}, \"n\": {\"type\": \"integer\", \"minimum\": 0}", "\"id\"");
        SchemaDefinition tight = obj("\"id\": {\"type\": \"string\", \"maxLength\": 32}, \"n\": {\"type\": \"integer\", \"minimum\": 1}", "\"id\"");
        List<BreakingChange> changes = check(BACKWARD, old, tight);
        assertThat(changes).extracting(BreakingChange::location)
                .containsExactlyInAnyOrder("/properties/id/maxLength", "/properties/n/minimum");
        assertThat(changes).allSatisfy(c -> assertThat(c.reason()).contains("constraint tightened"));
        assertThat(check(BACKWARD, tight, old)).isEmpty(); // loosening is fine
    }

    @Test void addingAPatternOrAFormatBreaksBackward() {
        SchemaDefinition old = obj("\"id\": {\"type\": \"string\"}", "\"id\"");
        SchemaDefinition pattern = obj("\"id\": {\"type\": \"string\", \"pattern\": \"^o-[0-9]+$\"}", "\"id\"");
        SchemaDefinition format = obj("\"id\": {\"type\": \"string\", \"format\": \"uuid\"}", "\"id\"");
        assertThat(check(BACKWARD, old, pattern)).singleElement().satisfies(c -> assertThat(c.location()).isEqualTo("/properties/id/pattern"));
        assertThat(check(BACKWARD, old, format)).singleElement().satisfies(c -> assertThat(c.location()).isEqualTo("/properties/id/format"));
    }

    @Test void makingAnOptionalPropertyRequiredWithoutADefaultBreaksBackward() {
        SchemaDefinition old = obj("\"id\": {\"type\": \"string\"}, \"note\": {\"type\": \"string\"}", "\"id\"");
        SchemaDefinition req = obj("\"id\": {\"type\": \"string\"}, \"note\": {\"type\": \"string\"}", "\"id\", \"note\"");
        assertThat(check(BACKWARD, old, req)).singleElement().satisfies(c -> {
            assertThat(c.oldType()).isEqualTo("optional");
            assertThat(c.newType()).isEqualTo("required");
        });
    }

    @Test void nestedObjectsAndArrayItemsAreCompared() {
        SchemaDefinition old = obj("\"customer\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\"}}},"
                + " \"lines\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {\"qty\": {\"type\": \"integer\"}}}}", "");
        SchemaDefinition changed = obj("\"customer\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}},"
                + " \"lines\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {\"qty\": {\"type\": \"string\"}}}}", "");
        assertThat(check(BACKWARD, old, changed)).extracting(BreakingChange::location)
                .containsExactlyInAnyOrder("/properties/customer/properties/id", "/properties/lines/items/properties/qty");
    }

    @Test void aChangedCompositionCannotBeProvenAndIsReported() {
        SchemaDefinition old = obj("\"p\": {\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}", "");
        SchemaDefinition changed = obj("\"p\": {\"oneOf\": [{\"type\": \"string\"}]}", "");
        assertThat(check(BACKWARD, old, changed)).singleElement().satisfies(c -> {
            assertThat(c.location()).isEqualTo("/properties/p/oneOf");
            assertThat(c.reason()).contains("cannot be proven");
        });
        assertThat(check(FULL, old, old)).isEmpty(); // unchanged composition is fine
    }

    @Test void noneChecksNothingAndAFormatChangeAlwaysBreaks() {
        SchemaDefinition v2 = obj("\"id\": {\"type\": \"integer\"}", "\"id\"");
        assertThat(check(CompatibilityMode.NONE, V1, v2)).isEmpty();
        assertThat(check(BACKWARD, V1, SchemaDefinition.avro(TestSchemas.AVRO_V1)))
                .singleElement().satisfies(c -> assertThat(c.reason()).isEqualTo("schema format changed"));
    }
}
