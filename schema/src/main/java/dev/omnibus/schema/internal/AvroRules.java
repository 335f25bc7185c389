package dev.omnibus.schema.internal;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.ArrayList;
import java.util.List;

/** Avro reader/writer compatibility through {@link SchemaCompatibility} (Avro's own schema-resolution rules). */
public final class AvroRules {
    private AvroRules() {}

    /** Every reason {@code reader} cannot resolve data written with {@code writer}; empty = it can. */
    public static List<Finding> readerReadsWriter(Schema reader, Schema writer) {
        List<Finding> out = new ArrayList<>();
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        for (Incompatibility i : result.getIncompatibilities()) {
            out.add(new Finding(readable(reader, i.getLocation()), fragment(i.getWriterFragment()), fragment(i.getReaderFragment()),
                    i.getType() + ": " + i.getMessage()));
        }
        return out;
    }

    /** Turns Avro's "/fields/2/type" into "/fields/total/type" (field names of the reader schema). */
    static String readable(Schema reader, String location) {
        if (location == null) return "/";
        StringBuilder b = new StringBuilder();
        Schema cur = reader;
        String[] parts = location.split("/");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            b.append('/');
            try {
                if (p.equals("fields") && i + 1 < parts.length && cur != null && cur.getType() == Schema.Type.RECORD) {
                    Schema.Field f = cur.getFields().get(Integer.parseInt(parts[i + 1]));
                    b.append("fields/").append(f.name());
                    cur = f.schema();
                    i++;
                    if (i + 1 < parts.length && parts[i + 1].equals("type")) i++;
                } else if (p.equals("items") && cur != null && cur.getType() == Schema.Type.ARRAY) {
                    b.append(p); cur = cur.getElementType();
                } else if (p.equals("values") && cur != null && cur.getType() == Schema.Type.MAP) {
                    b.append(p); cur = cur.getValueType();
                } else if (cur != null && cur.getType() == Schema.Type.UNION && p.matches("[0-9]+")) {
                    b.append(p); cur = cur.getTypes().get(Integer.parseInt(p));
                } else {
                    b.append(p); cur = null;
                }
            } catch (RuntimeException e) {
                b.append(p); cur = null;
            }
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    private static String fragment(Schema s) {
        if (s == null) return "(absent)";
        return switch (s.getType()) {
            case RECORD -> "record " + s.getFullName();
            case ENUM -> "enum " + s.getEnumSymbols();
            case FIXED -> "fixed(" + s.getFixedSize() + ")";
            case UNION -> s.getTypes().stream().map(AvroRules::fragment).toList().toString();
            case ARRAY -> "array<" + fragment(s.getElementType()) + ">";
            case MAP -> "map<" + fragment(s.getValueType()) + ">";
            default -> s.getLogicalType() == null ? s.getName() : s.getName() + "(" + s.getLogicalType().getName() + ")";
        };
    }
}
