/**
 * Durable idempotency and the transactional outbox on plain JDBC (PostgreSQL first).
 *
 * <ul>
 *   <li>{@link dev.omnibus.jdbc.JdbcIdempotencyStore}: an {@link dev.omnibus.idempotency.IdempotencyStore}
 *       shared by every consumer instance and surviving restarts.</li>
 *   <li>{@link dev.omnibus.jdbc.JdbcIdempotency#transactional}: the claim and the handler's SQL commit or
 *       roll back together: effect exactly once for SQL effects.</li>
 *   <li>{@link dev.omnibus.jdbc.Outbox} and {@link dev.omnibus.jdbc.OutboxRelay}: publish atomically with
 *       your own writes; the relay publishes committed rows at least once, in order per key.</li>
 * </ul>
 *
 * The schema ships as {@code dev/omnibus/jdbc/schema-postgresql.sql}; see docs/jdbc.md for the
 * guarantees, options and measured figures.
 */
package dev.omnibus.jdbc;
