package dev.omnibus.jdbc;

import dev.omnibus.RetryLaterException;

import java.time.Duration;

/**
 * A transactional claim found a live {@code IN_PROGRESS} claim of a non-transactional consumer (a
 * {@link JdbcIdempotencyStore} passed to {@code SubscribeOptions.idempotency} on the same table). It is a
 * {@link RetryLaterException}: the core tries again after {@link #RETRY_DELAY}. Using one table for both
 * modes on the same group is a configuration mistake; give each mode its own table.
 */
public class ClaimInProgressException extends RetryLaterException {
    /** Delay before the core retries the delivery. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    public ClaimInProgressException(String table, String group, String messageId) {
        super(RETRY_DELAY, "Message " + messageId + " of group '" + group + "' is claimed IN_PROGRESS in " + table
                + " by a non-transactional consumer; retrying in " + RETRY_DELAY.toMillis() + " ms."
                + " Use separate tables for SubscribeOptions.idempotency(store) and JdbcIdempotency.transactional(...)");
    }
}
