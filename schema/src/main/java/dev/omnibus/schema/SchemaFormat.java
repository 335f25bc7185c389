package dev.omnibus.schema;

/**
 * The schema languages a contract can be written in. Each format has its own compatibility rules
 * (docs/schemas.md) and its own {@code datacontenttype}s on the wire.
 */
public enum SchemaFormat {
    /** Apache Avro (.avsc): binary ({@code avro/binary}) or JSON ({@code avro/json}) encoding. */
    AVRO,
    /** JSON Schema draft 2020-12 (.json): payloads are JSON ({@code application/json}). */
    JSON_SCHEMA;

    /** The format a schema file is written in, by its extension: {@code .avsc} or {@code .json}. */
    public static SchemaFormat ofFileName(String fileName) {
        if (fileName.endsWith(".avsc")) return AVRO;
        if (fileName.endsWith(".json")) return JSON_SCHEMA;
        throw new InvalidSchemaException("Cannot tell the schema format of '" + fileName
                + "': name Avro schemas *.avsc and JSON Schemas *.json");
    }
}
