package dev.omnibus.schema;

import java.net.URI;

/**
 * A schema version as a registry holds it. Immutable: a registered version never changes.
 *
 * @param subject    the subject (one event type's history), e.g. {@code orders.placed}
 * @param version    1 for the first version of the subject, then 2, 3, ...
 * @param definition the schema
 * @param uri        its identity, carried as the CloudEvents {@code dataschema} of every message written with
 *                   it: {@code <registry uri>/subjects/<subject>/versions/<version>}
 */
public record RegisteredSchema(String subject, int version, SchemaDefinition definition, URI uri) {
    /** The identity of {@code subject}/{@code version} in the registry at {@code registryUri}. */
    public static URI uriOf(URI registryUri, String subject, int version) {
        String base = registryUri.toString();
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return URI.create(base + "/subjects/" + Subjects.check(subject) + "/versions/" + version);
    }

    /** This version in the registry at {@code registryUri}. */
    public static RegisteredSchema of(URI registryUri, String subject, int version, SchemaDefinition definition) {
        return new RegisteredSchema(subject, version, definition, uriOf(registryUri, subject, version));
    }
}
