-- Omnibus schema registry tables for PostgreSQL (11 or later; tested on 15).
--
-- Applied on demand by JdbcSchemaRegistry.createSchema(), or run it yourself with your migration tool after
-- replacing the placeholder {{prefix}} with the table prefix (default omnibus_schema, optionally
-- schema-qualified: app.omnibus_schema). Every statement is idempotent (IF NOT EXISTS).
-- They sit next to omnibus-jdbc's tables (omnibus_idempotency, omnibus_outbox) and follow the same style.

-- One row per subject whose compatibility mode was set; a subject without a row uses FULL.
CREATE TABLE IF NOT EXISTS {{prefix}}_subjects (
    subject       TEXT        PRIMARY KEY,
    compatibility TEXT        NOT NULL CHECK (compatibility IN ('NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE',
                                  'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE')),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- One row per registered version; rows are never updated. schema_text is the canonical form
-- (SchemaDefinition.canonical()), so an equal schema is found by its text.
CREATE TABLE IF NOT EXISTS {{prefix}}_versions (
    subject       TEXT        NOT NULL,
    version       INTEGER     NOT NULL CHECK (version > 0),
    format        TEXT        NOT NULL CHECK (format IN ('AVRO', 'JSON_SCHEMA')),
    schema_text   TEXT        NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, version)
);
