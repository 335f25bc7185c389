package dev.omnibus.schema;

import dev.omnibus.schema.internal.Parsed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A schema text in one {@link SchemaFormat}. Immutable; the text is parsed at construction, so an instance
 * always holds a valid schema ({@link InvalidSchemaException} otherwise). Two definitions are equal when
 * their canonical forms are (whitespace and key order do not matter; defaults, docs and names do).
 *
 * <pre>{@code
 * SchemaDefinition v2 = SchemaDefinition.avro(Files.readString(Path.of("schemas/orders.placed/v2.avsc")));
 * SchemaDefinition j = SchemaDefinition.of(Path.of("schemas/orders.placed/v2.json"));   // format from the extension
 * }</pre>
 */
public final class SchemaDefinition {
    private final SchemaFormat format;
    private final String text;
    private final String canonical;

    private SchemaDefinition(SchemaFormat format, String text) {
        this.format = Objects.requireNonNull(format, "format");
        if (text == null || text.isBlank()) throw new InvalidSchemaException("Empty " + format + " schema text");
        this.text = text;
        this.canonical = Parsed.canonical(format, text);
    }

    /** An Avro schema (.avsc JSON text). */
    public static SchemaDefinition avro(String text) { return new SchemaDefinition(SchemaFormat.AVRO, text); }

    /** A JSON Schema (draft 2020-12 unless its {@code $schema} says otherwise). */
    public static SchemaDefinition jsonSchema(String text) { return new SchemaDefinition(SchemaFormat.JSON_SCHEMA, text); }

    /** A schema in {@code format}. */
    public static SchemaDefinition of(SchemaFormat format, String text) { return new SchemaDefinition(format, text); }

    /** Reads a schema file; the format comes from its extension ({@code .avsc} or {@code .json}). */
    public static SchemaDefinition of(Path file) {
        SchemaFormat format = SchemaFormat.ofFileName(file.getFileName().toString());
        try {
            return new SchemaDefinition(format, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidSchemaException("Cannot read schema file " + file + ": " + e.getMessage(), e);
        } catch (InvalidSchemaException e) {
            throw new InvalidSchemaException(file + ": " + e.getMessage(), e);
        }
    }

    public SchemaFormat format() { return format; }
    /** The text as given. */
    public String text() { return text; }
    /** The canonical text: compact, stable key order; what registries compare and store. */
    public String canonical() { return canonical; }

    @Override public boolean equals(Object o) {
        return o instanceof SchemaDefinition d && d.format == format && d.canonical.equals(canonical);
    }
    @Override public int hashCode() { return Objects.hash(format, canonical); }
    @Override public String toString() {
        return format + " " + (canonical.length() <= 120 ? canonical : canonical.substring(0, 120) + "...");
    }
}
