package dev.omnibus.schema.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibus.schema.InvalidSchemaException;
import dev.omnibus.schema.SchemaFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Parsing of schema texts (Avro's parser, Jackson for JSON Schema) and their canonical forms. */
public final class Parsed {
    /** Shared mapper: sorted keys for canonical JSON. */
    public static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Parsed() {}

    /** The Avro schema of {@code text}; {@link InvalidSchemaException} with the parser's reason otherwise. */
    public static Schema avro(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw new InvalidSchemaException("Not a valid Avro schema: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The JSON tree of a JSON Schema text; it must be a JSON object (or boolean). */
    public static JsonNode json(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !(n.isObject() || n.isBoolean())) {
                throw new InvalidSchemaException("Not a valid JSON Schema: the document must be a JSON object, got "
                        + (n == null ? "nothing" : n.getNodeType()));
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new InvalidSchemaException("Not a valid JSON Schema: " + e.getOriginalMessage(), e);
        }
    }

    /** The canonical text of a schema: Avro's full JSON form; JSON Schema compact with sorted keys. */
    public static String canonical(SchemaFormat format, String text) {
        if (format == SchemaFormat.AVRO) return avro(text).toString();
        JsonNode tree = json(text);
        JsonSchemas.compile(text); // rejects what the validator cannot load
        return sorted(tree).toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode o = JSON.createObjectNode();
            m.forEach(o::set);
            return o;
        }
        if (node.isArray()) {
            var a = JSON.createArrayNode();
            node.forEach(c -> a.add(sorted(c)));
            return a;
        }
        return node;
    }
}
