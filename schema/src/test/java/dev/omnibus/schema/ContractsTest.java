package dev.omnibus.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibus.DeadLetterException;
import dev.omnibus.Message;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Publishing and reading through contracts, without a broker: what goes on the envelope, what a reader gets. */
class ContractsTest {
    static final EventType<TestSchemas.OrderV1> JSON_V1 = EventType.jsonSchema("orders.placed", TestSchemas.OrderV1.class, TestSchemas.JSON_V1)
            .type("com.acme.orders.OrderPlaced").version(1).build();
    static final EventType<TestSchemas.OrderV2> JSON_V2 = EventType.jsonSchema("orders.placed", TestSchemas.OrderV2.class, TestSchemas.JSON_V2)
            .type("com.acme.orders.OrderPlaced").version(2).build();
    static final Schema AVRO_V1 = new Schema.Parser().parse(TestSchemas.AVRO_V1);
    static final Schema AVRO_V2 = new Schema.Parser().parse(TestSchemas.AVRO_V2);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry("contracts-test");
    private final Contracts contracts = Contracts.using(registry);

    static GenericRecord avroV1(String id, double total) {
        GenericRecord r = new GenericData.Record(AVRO_V1);
        r.put("orderId", id);
        r.put("customerId", "c-1");
        r.put("total", total);
        return r;
    }

    static GenericRecord avroV2(String id, double total, String currency, String region) {
        GenericRecord r = new GenericData.Record(AVRO_V2);
        r.put("orderId", id);
        r.put("customerId", "c-1");
        r.put("total", total);
        r.put("currency", currency);
        r.put("region", region);
        return r;
    }

    @Test void publishingSetsDataschemaContentTypeAndValidates() {
        Message m = contracts.message(JSON_V1, new TestSchemas.OrderV1("o-1", "c-1", 12.5));
        assertThat(m.dataSchema()).isEqualTo("urn:omnibus:schemas:contracts-test/subjects/orders.placed/versions/1");
        assertThat(m.dataContentType()).isEqualTo("application/json");
        assertThat(m.type()).isEqualTo("com.acme.orders.OrderPlaced");
        assertThat(m.dataAsString()).contains("\"orderId\":\"o-1\"");
        assertThatThrownBy(() -> contracts.message(JSON_V1, new TestSchemas.OrderV1(null, "c-1", 1)))
                .isInstanceOf(SchemaViolationException.class).hasMessageContaining("orders.placed v1").hasMessageContaining("orderId");
    }

    @Test void aV2ReaderGetsV1EventsWithDefaultsAndAV1ReaderIgnoresV2Fields() {
        Message v1 = contracts.message(JSON_V1, new TestSchemas.OrderV1("o-1", "c-1", 12.5));
        Message v2 = contracts.message(JSON_V2, new TestSchemas.OrderV2("o-2", "c-2", 7, "EUR", "eu-west"));
        assertThat(contracts.read(JSON_V2, v1)).isEqualTo(new TestSchemas.OrderV2("o-1", "c-1", 12.5, "USD", null));
        assertThat(contracts.read(JSON_V1, v2)).isEqualTo(new TestSchemas.OrderV1("o-2", "c-2", 7));
        assertThat(v2.dataSchema()).endsWith("/subjects/orders.placed/versions/2");
    }

    @Test void jsonDefaultsAreFilledInNestedObjectsAndArrayItems() {
        EventType<JsonNode> v1 = EventType.jsonSchema("orders.nested", JsonNode.class, """
                {"type": "object", "properties": {"customer": {"type": "object", "properties": {"id": {"type": "string"}}},
                 "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}}}""").build();
        EventType<JsonNode> v2 = EventType.jsonSchema("orders.nested", JsonNode.class, """
                {"type": "object", "properties": {
                   "customer": {"type": "object", "properties": {"id": {"type": "string"}, "tier": {"type": "string", "default": "basic"}}},
                   "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"},
                             "qty": {"type": "integer", "default": 1}}}},
                   "channel": {"type": "string", "default": "web"}}}""").build();
        Message m = contracts.message(v1, JsonSchemasTestData.node("{\"customer\": {\"id\": \"c\"}, \"lines\": [{\"sku\": \"a\"}, {\"sku\": \"b\"}]}"));
        assertThat(contracts.read(v2, m)).isEqualTo(JsonSchemasTestData.node(
                "{\"customer\": {\"id\": \"c\", \"tier\": \"basic\"}, \"lines\": [{\"sku\": \"a\", \"qty\": 1},"
                        + " {\"sku\": \"b\", \"qty\": 1}], \"channel\": \"web\"}"));
    }

    @Test void avroGenericBinaryResolvesBothWays() {
        EventType<GenericRecord> v1 = EventType.avro("orders.avro", AVRO_V1).version(1).build();
        EventType<GenericRecord> v2 = EventType.avro("orders.avro", AVRO_V2).version(2).build();
        Message m1 = contracts.message(v1, avroV1("o-1", 3.5));
        Message m2 = contracts.message(v2, avroV2("o-2", 4.5, "EUR", null));
        assertThat(m1.dataContentType()).isEqualTo("avro/binary");
        GenericRecord asV2 = contracts.read(v2, m1);
        assertThat(asV2.get("currency").toString()).isEqualTo("USD");
        assertThat(asV2.get("region")).isNull();
        GenericRecord asV1 = contracts.read(v1, m2);
        assertThat(asV1.getSchema().getField("currency")).isNull();
        assertThat(asV1.get("total")).isEqualTo(4.5);
    }

    @Test void avroJsonEncodingIsReadByABinaryReaderToo() {
        EventType<GenericRecord> v1Json = EventType.avro("orders.avro", AVRO_V1).avroJsonEncoding().build();
        EventType<GenericRecord> v2 = EventType.avro("orders.avro", AVRO_V2).build();
        Message m = contracts.message(v1Json, avroV1("o-1", 3.5));
        assertThat(m.dataContentType()).isEqualTo("avro/json");
        assertThat(new String(m.data(), StandardCharsets.UTF_8)).contains("\"orderId\":\"o-1\"");
        assertThat(contracts.read(v2, m).get("currency").toString()).isEqualTo("USD");
    }

    @Test void avroSpecificRecordsReadOldEventsIntoTheGeneratedClass() {
        EventType<GenericRecord> v1 = EventType.avro("orders.avro", AVRO_V1).build();
        EventType<com.acme.orders.v2.OrderPlaced> specific = EventType.avro("orders.avro", com.acme.orders.v2.OrderPlaced.class).build();
        Message m1 = contracts.message(v1, avroV1("o-1", 3.5));
        com.acme.orders.v2.OrderPlaced o = contracts.read(specific, m1);
        assertThat(o.orderId()).isEqualTo("o-1");
        assertThat(o.currency()).isEqualTo("USD");
        Message m2 = contracts.message(specific, new com.acme.orders.v2.OrderPlaced("o-2", "c", 1.0, "EUR", "eu"));
        assertThat(contracts.read(v1, m2).get("orderId").toString()).isEqualTo("o-2");
        assertThatThrownBy(() -> contracts.message(specific, new com.acme.orders.v2.OrderPlaced(null, "c", 1.0, "EUR", null)))
                .isInstanceOf(SchemaViolationException.class).hasMessageContaining("orders.avro");
    }

    @Test void anIncompatibleWriterIsDeadLetteredWithTheBreakingChanges() {
        registry.compatibility("orders.placed", CompatibilityMode.NONE);
        EventType<JsonNode> broken = EventType.jsonSchema("orders.placed", JsonNode.class, TestSchemas.JSON_TOTAL_AS_STRING).build();
        contracts.bind(JSON_V1);
        contracts.bind(JSON_V2);
        Message m = contracts.message(broken, JsonSchemasTestData.node("{\"orderId\": \"o\", \"customerId\": \"c\", \"total\": \"12\", \"currency\": \"USD\"}"));
        assertThatThrownBy(() -> contracts.read(JSON_V2, m)).isInstanceOf(DeadLetterException.class)
                .hasMessageContaining("orders.placed v3").hasMessageContaining("incompatible with the handler's v2")
                .hasMessageContaining("/properties/total: string -> number");
    }

    @Test void anUpcasterReadsAVersionTheSchemasCannotResolve() {
        registry.compatibility("orders.placed", CompatibilityMode.NONE);
        EventType<JsonNode> renamed = EventType.jsonSchema("orders.placed", JsonNode.class, """
                {"type": "object", "properties": {"id": {"type": "string"}, "customer": {"type": "string"}, "totalCents": {"type": "integer"}},
                 "required": ["id", "customer", "totalCents"]}""").build();
        RegisteredSchema old = contracts.bind(renamed);
        Message m = contracts.message(renamed, JsonSchemasTestData.node("{\"id\": \"o-9\", \"customer\": \"c-9\", \"totalCents\": 1250}"));
        EventType<TestSchemas.OrderV2> upcasting = EventType.jsonSchema("orders.placed", TestSchemas.OrderV2.class, TestSchemas.JSON_V2)
                .upcastJson(old.version(), n -> {
                    var out = n.objectNode();
                    out.put("orderId", n.get("id").asText());
                    out.put("customerId", n.get("customer").asText());
                    out.put("total", n.get("totalCents").asLong() / 100.0);
                    return out;
                }).build();
        assertThat(contracts.read(upcasting, m)).isEqualTo(new TestSchemas.OrderV2("o-9", "c-9", 12.5, "USD", null));
        assertThatThrownBy(() -> contracts.read(JSON_V2, m)).isInstanceOf(DeadLetterException.class).hasMessageContaining("add an upcaster");
    }

    @Test void anAvroUpcasterGetsTheRecordAsWritten() {
        registry.compatibility("orders.avro", CompatibilityMode.NONE);
        Schema cents = new Schema.Parser().parse("""
                {"type": "record", "name": "OrderPlaced", "fields": [{"name": "orderId", "type": "string"}, {"name": "cents", "type": "long"}]}""");
        EventType<GenericRecord> old = EventType.avro("orders.avro", cents).build();
        GenericRecord r = new GenericData.Record(cents);
        r.put("orderId", "o-3");
        r.put("cents", 250L);
        Message m = contracts.message(old, r);
        int oldVersion = contracts.bind(old).version();
        EventType<GenericRecord> v2 = EventType.avro("orders.avro", AVRO_V2).upcastAvro(oldVersion,
                w -> avroV2(w.get("orderId").toString(), ((Long) w.get("cents")) / 100.0, "USD", null)).build();
        assertThat(contracts.read(v2, m).get("total")).isEqualTo(2.5);
    }

    @Test void unknownOrMissingSchemasAreDeadLetteredWithTheReason() {
        contracts.bind(JSON_V1);
        Message plain = Message.of("com.acme.orders.OrderPlaced", new TestSchemas.OrderV1("o", "c", 1));
        assertThatThrownBy(() -> contracts.read(JSON_V1, plain)).isInstanceOf(DeadLetterException.class).hasMessageContaining("has no dataschema");
        Message foreign = plain.toBuilder().dataSchema("urn:omnibus:schemas:other/subjects/orders.placed/versions/1").build();
        assertThatThrownBy(() -> contracts.read(JSON_V1, foreign)).isInstanceOf(DeadLetterException.class)
                .hasMessageContaining("Unknown schema urn:omnibus:schemas:other/subjects/orders.placed/versions/1");
        Message notAnId = plain.toBuilder().dataSchema("https://example.com/order.json").build();
        assertThatThrownBy(() -> contracts.read(JSON_V1, notAnId)).isInstanceOf(DeadLetterException.class)
                .hasMessageContaining("not a schema registry identity");
        Message corrupt = contracts.message(JSON_V1, new TestSchemas.OrderV1("o", "c", 1)).toBuilder()
                .data("{not json".getBytes(StandardCharsets.UTF_8), "application/json").build();
        assertThatThrownBy(() -> contracts.read(JSON_V1, corrupt)).isInstanceOf(DeadLetterException.class).hasMessageContaining("not JSON");
    }

    @Test void anotherSubjectIsDeadLettered() {
        EventType<TestSchemas.OrderV1> shipped = EventType.jsonSchema("orders.shipped", TestSchemas.OrderV1.class, TestSchemas.JSON_V1).build();
        Message m = contracts.message(shipped, new TestSchemas.OrderV1("o", "c", 1));
        assertThatThrownBy(() -> contracts.read(JSON_V1, m)).isInstanceOf(DeadLetterException.class)
                .hasMessageContaining("subject orders.shipped v1, not orders.placed");
    }

    @Test void aDeclaredVersionMustMatchTheRegistry() {
        assertThatThrownBy(() -> contracts.message(JSON_V2, new TestSchemas.OrderV2("o", "c", 1, "USD", null)))
                .isInstanceOf(UnknownSchemaException.class).hasMessageContaining("declares version 2").hasMessageContaining("as version 1");
    }

    @Test void registeredOnlyContractsRefuseUnregisteredTypes() {
        Contracts strict = Contracts.usingRegisteredOnly(registry);
        assertThatThrownBy(() -> strict.message(JSON_V1, new TestSchemas.OrderV1("o", "c", 1)))
                .isInstanceOf(UnknownSchemaException.class).hasMessageContaining("not registered");
        registry.register("orders.placed", JSON_V1.schema());
        assertThat(strict.message(JSON_V1, new TestSchemas.OrderV1("o", "c", 1)).dataSchema()).endsWith("/versions/1");
    }

    @Test void publishingAnIncompatibleTypeFailsBeforeTheBroker() {
        contracts.bind(JSON_V1);
        contracts.bind(JSON_V2);
        EventType<JsonNode> broken = EventType.jsonSchema("orders.placed", JsonNode.class, TestSchemas.JSON_TOTAL_AS_STRING).build();
        assertThatThrownBy(() -> contracts.message(broken, JsonSchemasTestData.node("{}")))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("/properties/total");
    }
}
