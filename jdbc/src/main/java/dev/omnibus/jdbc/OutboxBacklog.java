package dev.omnibus.jdbc;

import java.time.Duration;

/**
 * What the outbox still has to publish.
 *
 * @param pending   rows not yet marked sent
 * @param oldestAge how long ago the oldest pending row was written ({@link Duration#ZERO} when none)
 */
public record OutboxBacklog(long pending, Duration oldestAge) {}
