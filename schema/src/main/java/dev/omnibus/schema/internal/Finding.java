package dev.omnibus.schema.internal;

/**
 * One reason a reader schema cannot read what a writer schema allows.
 *
 * @param location   where, as a path in the schema ({@code /properties/total})
 * @param writerSays what the writer's schema says there
 * @param readerSays what the reader's schema says there
 * @param reason     the rule broken, in words
 */
public record Finding(String location, String writerSays, String readerSays, String reason) {
    @Override public String toString() { return location + ": " + writerSays + " -> " + readerSays + ": " + reason; }
}
