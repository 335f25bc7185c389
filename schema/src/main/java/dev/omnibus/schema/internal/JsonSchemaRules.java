package dev.omnibus.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Can a reader on JSON Schema R read every document a writer on JSON Schema W produces (after the reader
 * fills its defaults)? The rules, each one a {@link Finding} when broken (docs/schemas.md lists them):
 * <ol>
 *   <li>J1 type: R's types must include W's ({@code integer} is included in {@code number}); a type
 *       where W had none narrows.</li>
 *   <li>J2 enum / const: R's values must include every value W allows; an enum where W had none narrows.</li>
 *   <li>J3 bounds: {@code minimum, exclusiveMinimum, minLength, minItems, minProperties} may not rise,
 *       {@code maximum, exclusiveMaximum, maxLength, maxItems, maxProperties} may not fall, and none may
 *       appear where W had none; {@code multipleOf} must divide W's.</li>
 *   <li>J4 pattern / format: R may not add or change one.</li>
 *   <li>J5 required: a property R requires must be required by W too, unless R gives it a default (a reader
 *       fills it).</li>
 *   <li>J6 removed property: a property W declares and R does not is ignored by R, unless R forbids
 *       unknown properties ({@code additionalProperties: false}).</li>
 *   <li>J7 nesting: rules J1-J6 apply to every property schema, to {@code items} and to
 *       {@code additionalProperties} schemas.</li>
 *   <li>J8 composition: where R and W differ inside {@code $ref, allOf, anyOf, oneOf, not, if/then/else,
 *       patternProperties, prefixItems, dependentSchemas}, compatibility cannot be proven: reported.</li>
 * </ol>
 * Assumption: writers write only the properties their schema declares (a property R adds is then never
 * present in W's documents with another type); Omnibus's codecs encode the declared Java type.
 */
public final class JsonSchemaRules {
    private static final List<String> OPAQUE = List.of("$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
            "patternProperties", "prefixItems", "dependentSchemas", "dependentRequired", "$defs", "definitions");
    private static final List<String> LOWER_BOUNDS = List.of("minimum", "exclusiveMinimum", "minLength", "minItems",
            "minProperties");
    private static final List<String> UPPER_BOUNDS = List.of("maximum", "exclusiveMaximum", "maxLength", "maxItems",
            "maxProperties");

    private JsonSchemaRules() {}

    /** Every reason {@code reader} cannot read what {@code writer} allows; empty = it can. */
    public static List<Finding> readerReadsWriter(JsonNode reader, JsonNode writer) {
        List<Finding> out = new ArrayList<>();
        compare("", reader, writer, out);
        return out;
    }

    private static void compare(String at, JsonNode r, JsonNode w, List<Finding> out) {
        if (r == null || r.isMissingNode() || (r.isBoolean() && r.asBoolean())) return; // reader accepts anything
        if (w == null || w.isMissingNode()) w = com.fasterxml.jackson.databind.node.BooleanNode.TRUE;
        if (r.isBoolean()) { // false: accepts nothing
            if (!(w.isBoolean() && !w.asBoolean())) out.add(new Finding(loc(at), "a schema", "false", "reader accepts nothing"));
            return;
        }
        if (w.isBoolean()) w = Parsed.JSON.createObjectNode();
        if (opaque(at, r, w, out)) return;
        types(at, r, w, out);
        enums(at, r, w, out);
        bounds(at, r, w, out);
        for (String k : List.of("pattern", "format")) {
            JsonNode rv = r.get(k), wv = w.get(k);
            if (rv != null && !rv.equals(wv)) {
                out.add(new Finding(loc(at + "/" + k), wv == null ? "(absent)" : k + " " + wv, k + " " + rv,
                        k + " added or changed: writer's values may not match it"));
            }
        }
        objects(at, r, w, out);
        if (r.has("items")) compare(at + "/items", r.get("items"), w.get("items"), out);
    }

    private static boolean opaque(String at, JsonNode r, JsonNode w, List<Finding> out) {
        boolean found = false;
        for (String k : OPAQUE) {
            JsonNode rv = r.get(k), wv = w.get(k);
            if ((rv != null || wv != null) && (rv == null || !rv.equals(wv))) {
                out.add(new Finding(loc(at + "/" + k), wv == null ? "(absent)" : k, rv == null ? "(absent)" : k,
                        "'" + k + "' differs: its compatibility cannot be proven (keep it unchanged, or register under NONE)"));
                found = true;
            }
        }
        return found;
    }

    private static void types(String at, JsonNode r, JsonNode w, List<Finding> out) {
        Set<String> rt = typeSet(r), wt = typeSet(w);
        if (rt.isEmpty()) return;
        if (wt.isEmpty()) {
            out.add(new Finding(loc(at), "any type", describe(rt), "type added: writer may write other types"));
            return;
        }
        Set<String> missing = new TreeSet<>();
        for (String t : wt) {
            if (!rt.contains(t) && !(t.equals("integer") && rt.contains("number"))) missing.add(t);
        }
        if (!missing.isEmpty()) {
            out.add(new Finding(loc(at), describe(wt), describe(rt), "type changed: reader does not accept " + missing));
        }
    }

    private static void enums(String at, JsonNode r, JsonNode w, List<Finding> out) {
        Set<JsonNode> rv = values(r);
        if (rv == null) return;
        Set<JsonNode> wv = values(w);
        if (wv == null) {
            out.add(new Finding(loc(at + "/enum"), "any value", "enum " + rv, "enum added: writer may write other values"));
            return;
        }
        Set<JsonNode> missing = new LinkedHashSet<>(wv);
        missing.removeAll(rv);
        if (!missing.isEmpty()) {
            out.add(new Finding(loc(at + "/enum"), "enum " + wv, "enum " + rv, "enum narrowed: reader lacks " + missing));
        }
    }

    private static void bounds(String at, JsonNode r, JsonNode w, List<Finding> out) {
        for (String k : LOWER_BOUNDS) {
            JsonNode rv = r.get(k), wv = w.get(k);
            if (rv != null && rv.isNumber() && (wv == null || !wv.isNumber() || rv.decimalValue().compareTo(wv.decimalValue()) > 0)) {
                out.add(new Finding(loc(at + "/" + k), wv == null ? "(absent)" : k + " " + wv, k + " " + rv,
                        "constraint tightened: writer may write smaller values"));
            }
        }
        for (String k : UPPER_BOUNDS) {
            JsonNode rv = r.get(k), wv = w.get(k);
            if (rv != null && rv.isNumber() && (wv == null || !wv.isNumber() || rv.decimalValue().compareTo(wv.decimalValue()) < 0)) {
                out.add(new Finding(loc(at + "/" + k), wv == null ? "(absent)" : k + " " + wv, k + " " + rv,
                        "constraint tightened: writer may write larger values"));
            }
        }
        JsonNode rm = r.get("multipleOf"), wm = w.get("multipleOf");
        if (rm != null && rm.isNumber() && (wm == null || !wm.isNumber()
                || wm.decimalValue().remainder(rm.decimalValue()).signum() != 0)) {
            out.add(new Finding(loc(at + "/multipleOf"), wm == null ? "(absent)" : "multipleOf " + wm, "multipleOf " + rm,
                    "constraint tightened: writer's values may not be multiples"));
        }
    }

    private static void objects(String at, JsonNode r, JsonNode w, List<Finding> out) {
        JsonNode rp = r.path("properties"), wp = w.path("properties");
        Set<String> wRequired = strings(w.get("required"));
        for (String name : strings(r.get("required"))) {
            if (wRequired.contains(name)) continue;
            if (rp.path(name).has("default")) continue;
            out.add(new Finding(loc(at + "/properties/" + name), wp.has(name) ? "optional" : "(absent)", "required",
                    "required property without a default: writer may omit '" + name + "'"));
        }
        boolean closed = r.path("additionalProperties").isBoolean() && !r.path("additionalProperties").asBoolean();
        JsonNode rAdditional = r.path("additionalProperties").isObject() ? r.get("additionalProperties") : null;
        for (Iterator<Map.Entry<String, JsonNode>> it = wp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = at + "/properties/" + e.getKey();
            if (rp.has(e.getKey())) {
                compare(path, rp.get(e.getKey()), e.getValue(), out);
            } else if (closed) {
                out.add(new Finding(loc(path), describe(typeSet(e.getValue())), "(absent)",
                        "property removed while the reader forbids additional properties"));
            } else if (rAdditional != null) {
                compare(path, rAdditional, e.getValue(), out);
            }
        }
        if (rAdditional != null && w.path("additionalProperties").isObject()) {
            compare(at + "/additionalProperties", rAdditional, w.get("additionalProperties"), out);
        }
    }

    private static Set<String> typeSet(JsonNode n) {
        Set<String> s = new TreeSet<>();
        JsonNode t = n.get("type");
        if (t == null) return s;
        if (t.isArray()) t.forEach(x -> s.add(x.asText())); else s.add(t.asText());
        return s;
    }

    private static Set<JsonNode> values(JsonNode n) {
        if (n.has("const")) return new LinkedHashSet<>(List.of(n.get("const")));
        JsonNode e = n.get("enum");
        if (e == null || !e.isArray()) return null;
        Set<JsonNode> s = new LinkedHashSet<>();
        e.forEach(s::add);
        return s;
    }

    private static Set<String> strings(JsonNode n) {
        Set<String> s = new LinkedHashSet<>();
        if (n != null && n.isArray()) n.forEach(x -> s.add(x.asText()));
        return s;
    }

    private static String describe(Set<String> types) {
        if (types.isEmpty()) return "any type";
        return types.size() == 1 ? types.iterator().next() : types.toString();
    }

    private static String loc(String at) { return at.isEmpty() ? "/" : at; }
}
