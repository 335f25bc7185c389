package dev.omnibus.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

final class JsonSchemasTestData {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private JsonSchemasTestData() {}

    static JsonNode node(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
