package dev.omnibus.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibus.schema.internal.AvroContractCodec;
import dev.omnibus.schema.internal.ContractCodec;
import dev.omnibus.schema.internal.JsonContractCodec;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * An event contract: a subject, the schema this code writes and reads, the Java type of its payloads and,
 * optionally, the registry version it must have and upcasters from older versions. Immutable; build once,
 * share freely. {@link Contracts} binds it to its registered version.
 *
 * <pre>{@code
 * static final EventType<OrderPlaced> ORDER_PLACED_V2 = EventType
 *         .jsonSchema("orders.placed", OrderPlaced.class, schemaText)
 *         .type("com.acme.orders.OrderPlaced").version(2).build();
 * static final EventType<GenericRecord> ORDER_PLACED_AVRO = EventType.avro("orders.placed-avro", avroSchema).build();
 * static final EventType<OrderPlacedRecord> SPECIFIC = EventType.avro("orders.placed-avro", OrderPlacedRecord.class).build();
 * }</pre>
 *
 * @param <T> the payload type: a Jackson-mappable class (or {@code JsonNode}) for JSON Schema,
 *            {@link GenericRecord} or a generated {@link SpecificRecord} for Avro
 */
public final class EventType<T> {
    private final String subject;
    private final String type;
    private final SchemaDefinition schema;
    private final Integer version;
    private final ContractCodec<T> codec;
    private final Map<Integer, UnaryOperator<Object>> upcasters;

    private EventType(Builder<T> b) {
        this.subject = b.subject;
        this.type = b.type == null ? b.subject : b.type;
        this.schema = b.schema;
        this.version = b.version;
        this.codec = b.avroJson ? new AvroContractCodec<>(b.specific, true) : b.codec;
        this.upcasters = Map.copyOf(b.upcasters);
    }

    /** A JSON Schema contract whose payloads Jackson maps to and from {@code javaType}. */
    public static <T> Builder<T> jsonSchema(String subject, Class<T> javaType, String schemaText) {
        return new Builder<>(subject, SchemaDefinition.jsonSchema(schemaText), new JsonContractCodec<>(javaType), null);
    }

    /** An Avro contract on generic records of {@code schema}. */
    public static Builder<GenericRecord> avro(String subject, Schema schema) {
        return new Builder<>(subject, SchemaDefinition.avro(schema.toString()), new AvroContractCodec<>(null, false), null);
    }

    /**
     * An Avro contract on a generated (specific) record class; its schema is the class's {@code SCHEMA$}.
     * Avro 1.12 instantiates only trusted classes by name; naming the class here adds it to Avro's trusted
     * classes ({@code org.apache.avro.util.ClassSecurityValidator}), and nothing else.
     */
    public static <T extends SpecificRecord> Builder<T> avro(String subject, Class<T> recordClass) {
        Schema s = SpecificData.get().getSchema(recordClass);
        trust(recordClass);
        return new Builder<>(subject, SchemaDefinition.avro(s.toString()), new AvroContractCodec<>(recordClass, false), recordClass);
    }

    private static synchronized void trust(Class<?> recordClass) {
        ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
        if (!global.isTrusted(recordClass)) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(global,
                    ClassSecurityValidator.builder().add(recordClass).build()));
        }
    }

    /** The registry subject. */
    public String subject() { return subject; }
    /** The CloudEvents {@code type} of its messages (the subject unless set). */
    public String type() { return type; }
    /** The schema this code writes and reads. */
    public SchemaDefinition schema() { return schema; }
    /** The registry version this schema must have, when declared. */
    public OptionalInt version() { return version == null ? OptionalInt.empty() : OptionalInt.of(version); }
    /** The {@code datacontenttype} it writes. */
    public String contentType() { return codec.contentType(); }

    ContractCodec<T> codec() { return codec; }
    UnaryOperator<Object> upcaster(int fromVersion) { return upcasters.get(fromVersion); }

    @Override public String toString() {
        return "EventType{" + subject + (version == null ? "" : " v" + version) + ", " + schema.format() + ", " + codec.contentType() + "}";
    }

    /** Options; not thread-safe. */
    public static final class Builder<T> {
        private final String subject;
        private final SchemaDefinition schema;
        private final ContractCodec<T> codec;
        private final Class<T> specific;
        private final Map<Integer, UnaryOperator<Object>> upcasters = new HashMap<>();
        private String type;
        private Integer version;
        private boolean avroJson;

        private Builder(String subject, SchemaDefinition schema, ContractCodec<T> codec, Class<T> specific) {
            this.subject = Subjects.check(subject);
            this.schema = schema;
            this.codec = codec;
            this.specific = specific;
        }

        /** The CloudEvents {@code type} (default: the subject). */
        public Builder<T> type(String type) { this.type = Objects.requireNonNull(type, "type"); return this; }

        /** The registry version this schema must get (checked when bound; a mismatch fails loudly). */
        public Builder<T> version(int version) {
            if (version < 1) throw new IllegalArgumentException("version must be >= 1, got " + version);
            this.version = version;
            return this;
        }

        /** Avro only: write Avro's JSON encoding ({@code avro/json}) instead of binary. Readers accept both. */
        public Builder<T> avroJsonEncoding() {
            requireFormat(SchemaFormat.AVRO, "avroJsonEncoding");
            this.avroJson = true;
            return this;
        }

        /**
         * JSON Schema only: converts events written with {@code fromVersion} (the JSON object as written) into
         * this type's shape, for a change the schemas cannot express (a rename, a unit change). It replaces the
         * compatibility check for that version; the result must match this type's schema.
         */
        public Builder<T> upcastJson(int fromVersion, UnaryOperator<ObjectNode> upcaster) {
            requireFormat(SchemaFormat.JSON_SCHEMA, "upcastJson");
            upcasters.put(fromVersion, o -> upcaster.apply((ObjectNode) o));
            return this;
        }

        /** Avro only: like {@link #upcastJson}, on the record as written with {@code fromVersion}'s schema. */
        public Builder<T> upcastAvro(int fromVersion, UnaryOperator<GenericRecord> upcaster) {
            requireFormat(SchemaFormat.AVRO, "upcastAvro");
            upcasters.put(fromVersion, o -> upcaster.apply((GenericRecord) o));
            return this;
        }

        private void requireFormat(SchemaFormat f, String what) {
            if (schema.format() != f) throw new IllegalStateException(what + "() applies to " + f + " event types; " + subject + " is " + schema.format());
        }

        public EventType<T> build() { return new EventType<>(this); }
    }
}
