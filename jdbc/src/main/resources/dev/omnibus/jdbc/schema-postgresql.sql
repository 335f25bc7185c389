-- Omnibus JDBC schema for PostgreSQL (11 or later; tested on 15).
--
-- Applied on demand by JdbcIdempotencyStore.createSchema() and Outbox.createSchema(), or run it yourself
-- with your migration tool (Flyway, Liquibase, psql) after replacing the placeholders:
--   {{table}}      the table name, optionally schema-qualified (e.g. omnibus_idempotency or app.omnibus_outbox)
--   {{table_name}} the same name without the schema, used to name the indexes
-- Every statement is idempotent (IF NOT EXISTS), so applying the script twice is harmless.
-- Sections start with a line "-- @section <name>"; statements end with ";" at the end of a line.

-- @section idempotency
-- One row per (consumer group, message id).
--   IN_PROGRESS: a consumer claimed the message and runs the handler; expires_at says when another
--                consumer may take the claim over (the first one is presumed dead).
--   DONE:        the handler's effect happened; later deliveries of the same id are skipped.
-- A transactional consumer (JdbcIdempotency.transactional) inserts DONE directly inside its own
-- transaction, so the row exists if and only if the handler's SQL committed.
CREATE TABLE IF NOT EXISTS {{table}} (
    consumer_group TEXT        NOT NULL,
    message_id     TEXT        NOT NULL,
    state          TEXT        NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
    claimed_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at     TIMESTAMPTZ,
    completed_at   TIMESTAMPTZ,
    PRIMARY KEY (consumer_group, message_id)
);
-- prune(olderThan) deletes DONE rows by completion time and dead IN_PROGRESS claims by expiry.
CREATE INDEX IF NOT EXISTS {{table_name}}_completed_idx ON {{table}} (completed_at) WHERE state = 'DONE';
CREATE INDEX IF NOT EXISTS {{table_name}}_expires_idx ON {{table}} (expires_at) WHERE state = 'IN_PROGRESS';

-- @section outbox
-- One row per message written by Outbox.publish in the caller's transaction. The CloudEvents
-- attributes are stored as columns so that the relay restores the exact Message (same id, time,
-- extensions, data bytes). seq gives the publication order; message_key (= the partitionkey
-- extension) is the ordering key the relay keeps. sent_at stays NULL until the relay has published
-- the row and committed; sent rows are deleted by OutboxRelay.prune(olderThan).
CREATE TABLE IF NOT EXISTS {{table}} (
    seq                BIGSERIAL   PRIMARY KEY,
    id                 TEXT        NOT NULL,
    topic              TEXT        NOT NULL,
    message_key        TEXT,
    ce_specversion     TEXT        NOT NULL DEFAULT '1.0',
    ce_source          TEXT        NOT NULL,
    ce_type            TEXT        NOT NULL,
    ce_subject         TEXT,
    ce_time            TEXT        NOT NULL,
    ce_datacontenttype TEXT,
    ce_dataschema      TEXT,
    extensions         JSONB       NOT NULL DEFAULT '{}'::jsonb,
    data               BYTEA       NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    sent_at            TIMESTAMPTZ,
    UNIQUE (topic, id)
);
-- The relay's scan: pending rows in seq order, and the per-key "older pending row?" check.
CREATE INDEX IF NOT EXISTS {{table_name}}_pending_idx ON {{table}} (seq) WHERE sent_at IS NULL;
CREATE INDEX IF NOT EXISTS {{table_name}}_pending_key_idx ON {{table}} (message_key, seq) WHERE sent_at IS NULL;
-- Pruning of sent rows.
CREATE INDEX IF NOT EXISTS {{table_name}}_sent_idx ON {{table}} (sent_at) WHERE sent_at IS NOT NULL;
