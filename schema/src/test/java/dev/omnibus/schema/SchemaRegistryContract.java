package dev.omnibus.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link SchemaRegistry} must do; one subclass per implementation. */
abstract class SchemaRegistryContract {
    static final SchemaDefinition V1 = SchemaDefinition.avro(TestSchemas.AVRO_V1);
    static final SchemaDefinition V2 = SchemaDefinition.avro(TestSchemas.AVRO_V2);
    static final SchemaDefinition BROKEN = SchemaDefinition.avro(TestSchemas.AVRO_TOTAL_AS_STRING);

    abstract SchemaRegistry registry();

    @Test void versionsAreNumberedPerSubjectAndRegistrationIsIdempotent() {
        SchemaRegistry r = registry();
        RegisteredSchema v1 = r.register("orders.placed", V1);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.uri().toString()).isEqualTo(r.uri() + "/subjects/orders.placed/versions/1");
        // the same schema with other whitespace is the same version
        assertThat(r.register("orders.placed", SchemaDefinition.avro(TestSchemas.AVRO_V1.replace("\n", "\n   ")))).isEqualTo(v1);
        assertThat(r.register("orders.placed", V2).version()).isEqualTo(2);
        assertThat(r.register("orders.shipped", V2).version()).isEqualTo(1);
        assertThat(r.versions("orders.placed")).extracting(RegisteredSchema::version).containsExactly(1, 2);
        assertThat(r.versions("orders.placed").get(1).definition()).isEqualTo(V2);
        assertThat(r.find("orders.placed", V2)).map(RegisteredSchema::version).hasValue(2);
        assertThat(r.versions("unknown.subject")).isEmpty();
    }

    @Test void anIncompatibleVersionIsRefusedNamingEachBreakingChange() {
        SchemaRegistry r = registry();
        r.register("orders.placed", V1);
        r.register("orders.placed", V2);
        assertThatThrownBy(() -> r.register("orders.placed", BROKEN))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.mode()).isEqualTo(CompatibilityMode.FULL);
                    assertThat(e.changes()).extracting(BreakingChange::location).containsOnly("/fields/total");
                    assertThat(e.changes()).extracting(BreakingChange::direction).containsExactly("BACKWARD", "FORWARD");
                })
                .hasMessageContaining("orders.placed").hasMessageContaining("BACKWARD vs v2 at /fields/total: double -> string");
        assertThat(r.versions("orders.placed")).hasSize(2);
        assertThat(r.check("orders.placed", BROKEN)).hasSize(2);
        assertThat(r.check("orders.placed", V2)).isEmpty();
    }

    @Test void theModeIsPerSubject() {
        SchemaRegistry r = registry();
        assertThat(r.compatibility("orders.placed")).isEqualTo(CompatibilityMode.FULL);
        r.register("orders.placed", V2);
        r.compatibility("orders.placed", CompatibilityMode.NONE);
        assertThat(r.compatibility("orders.placed")).isEqualTo(CompatibilityMode.NONE);
        assertThat(r.compatibility("other")).isEqualTo(CompatibilityMode.FULL);
        assertThat(r.register("orders.placed", BROKEN).version()).isEqualTo(2);
        r.compatibility("orders.placed", CompatibilityMode.BACKWARD);
        assertThat(r.compatibility("orders.placed")).isEqualTo(CompatibilityMode.BACKWARD);
    }

    @Test void dataschemaResolvesOnlyItsOwnRegistrysVersions() {
        SchemaRegistry r = registry();
        RegisteredSchema v1 = r.register("orders.placed", V1);
        assertThat(r.resolve(v1.uri().toString())).hasValue(v1);
        assertThat(r.resolve(r.uri() + "/subjects/orders.placed/versions/9")).isEmpty();
        assertThat(r.resolve("urn:omnibus:schemas:elsewhere/subjects/orders.placed/versions/1")).isEmpty();
        assertThat(r.resolve("https://example.com/order.json")).isEmpty();
        assertThat(r.version("orders.placed", 1)).hasValue(v1);
    }

    @Test void badSubjectsAreRefusedWithTheRule() {
        assertThatThrownBy(() -> registry().register("orders placed", V1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'orders placed'").hasMessageContaining("letters, digits");
    }

    @Test void jsonSchemaSubjectsFollowTheJsonRules() {
        SchemaRegistry r = registry();
        r.register("orders.json", SchemaDefinition.jsonSchema(TestSchemas.JSON_V1));
        assertThat(r.register("orders.json", SchemaDefinition.jsonSchema(TestSchemas.JSON_V2)).version()).isEqualTo(2);
        assertThatThrownBy(() -> r.register("orders.json", SchemaDefinition.jsonSchema(TestSchemas.JSON_TOTAL_AS_STRING)))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("/properties/total: number -> string");
        List<RegisteredSchema> versions = r.versions("orders.json");
        assertThat(versions).extracting(v -> v.definition().format()).containsOnly(SchemaFormat.JSON_SCHEMA);
    }
}
