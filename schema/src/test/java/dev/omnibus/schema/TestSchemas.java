package dev.omnibus.schema;

/** The seed handbook's OrderPlaced v1 -> v2 (added currency with a default, nullable region), in Avro and JSON Schema. */
final class TestSchemas {
    private TestSchemas() {}

    static final String AVRO_V1 = """
            {"type": "record", "name": "OrderPlaced", "namespace": "com.acme.orders.v1", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "customerId", "type": "string"},
              {"name": "total", "type": "double"}]}""";

    static final String AVRO_V2 = """
            {"type": "record", "name": "OrderPlaced", "namespace": "com.acme.orders.v2", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "customerId", "type": "string"},
              {"name": "total", "type": "double"},
              {"name": "currency", "type": "string", "default": "USD"},
              {"name": "region", "type": ["null", "string"], "default": null}]}""";

    /** v2 with total retyped double -> string: the breaking change the handbook warns about. */
    static final String AVRO_TOTAL_AS_STRING = AVRO_V2.replace("{\"name\": \"total\", \"type\": \"double\"}",
            "{\"name\": \"total\", \"type\": \"string\"}");

    static final String JSON_V1 = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {
               "orderId": {"type": "string"},
               "customerId": {"type": "string"},
               "total": {"type": "number"}},
             "required": ["orderId", "customerId", "total"]}""";

    static final String JSON_V2 = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {
               "orderId": {"type": "string"},
               "customerId": {"type": "string"},
               "total": {"type": "number"},
               "currency": {"type": "string", "default": "USD"},
               "region": {"type": ["string", "null"], "default": null}},
             "required": ["orderId", "customerId", "total", "currency"]}""";

    static final String JSON_TOTAL_AS_STRING = JSON_V2.replace("\"total\": {\"type\": \"number\"}", "\"total\": {\"type\": \"string\"}");

    /** A v1 payload (Java view). */
    record OrderV1(String orderId, String customerId, double total) {}

    /** A v2 payload (Java view). */
    record OrderV2(String orderId, String customerId, double total, String currency, String region) {}
}
