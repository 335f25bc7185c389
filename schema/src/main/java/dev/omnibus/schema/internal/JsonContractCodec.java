package dev.omnibus.schema.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import dev.omnibus.schema.InvalidPayloadException;
import dev.omnibus.schema.RegisteredSchema;
import dev.omnibus.schema.SchemaFormat;
import dev.omnibus.schema.SchemaViolationException;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** JSON payloads checked against JSON Schema; Jackson maps them to the application's type. */
public final class JsonContractCodec<T> implements ContractCodec<T> {
    /** The mapper: unknown properties ignored (an old reader of a newer event), ISO dates. */
    public static final ObjectMapper MAPPER = mapper();
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
    private static final Map<String, JsonNode> TREES = new ConcurrentHashMap<>();

    private final Class<T> javaType;

    public JsonContractCodec(Class<T> javaType) { this.javaType = javaType; }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
        m.findAndRegisterModules();
        return m;
    }

    @Override public SchemaFormat format() { return SchemaFormat.JSON_SCHEMA; }
    @Override public String contentType() { return "application/json"; }

    @Override
    public byte[] encode(T value, RegisteredSchema schema) {
        JsonNode node = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
        validate(node, schema);
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new InvalidPayloadException("Cannot encode " + javaType.getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public T decode(byte[] data, String contentType, RegisteredSchema writer, RegisteredSchema reader, UnaryOperator<Object> upcaster) {
        if (contentType != null && !contentType.startsWith("application/json") && !contentType.endsWith("+json")) {
            throw new InvalidPayloadException("Content type '" + contentType + "' is not JSON; " + reader.subject()
                    + " v" + reader.version() + " reads application/json", null);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(data);
        } catch (IOException e) {
            throw new InvalidPayloadException("Payload is not JSON: " + e.getMessage(), e);
        }
        if (upcaster != null) {
            if (!(node instanceof ObjectNode)) throw new InvalidPayloadException("Upcaster needs a JSON object, got " + node.getNodeType(), null);
            node = (JsonNode) upcaster.apply(node.deepCopy());
        }
        fillDefaults(TREES.computeIfAbsent(reader.definition().canonical(), Parsed::json), node);
        validate(node, reader);
        if (javaType.isInstance(node)) return javaType.cast(node);
        try {
            return MAPPER.treeToValue(node, javaType);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidPayloadException("Cannot map the JSON of " + reader.subject() + " v" + reader.version()
                    + " to " + javaType.getName() + ": " + e.getMessage(), e);
        }
    }

    private static void validate(JsonNode node, RegisteredSchema schema) {
        Schema compiled = COMPILED.computeIfAbsent(schema.definition().canonical(), JsonSchemas::compile);
        List<String> violations = JsonSchemas.violations(compiled, node);
        if (!violations.isEmpty()) throw new SchemaViolationException(schema.subject(), schema.version(), violations);
    }

    /** Sets every absent property that the reader's schema gives a default, recursively into objects and arrays. */
    static void fillDefaults(JsonNode schema, JsonNode node) {
        if (schema == null || !schema.isObject() || node == null) return;
        if (node instanceof ObjectNode obj) {
            JsonNode props = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (!obj.has(p.getKey()) && p.getValue().has("default")) obj.set(p.getKey(), p.getValue().get("default").deepCopy());
                if (obj.has(p.getKey())) fillDefaults(p.getValue(), obj.get(p.getKey()));
            }
        } else if (node.isArray() && schema.has("items")) {
            for (JsonNode item : node) fillDefaults(schema.get("items"), item);
        }
    }
}
