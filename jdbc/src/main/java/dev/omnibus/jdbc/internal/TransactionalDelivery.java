package dev.omnibus.jdbc.internal;

import dev.omnibus.Delivery;
import dev.omnibus.MessageHandler;
import dev.omnibus.jdbc.JdbcIdempotencyStore;
import dev.omnibus.jdbc.TransactionalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/** The {@link MessageHandler} behind {@code JdbcIdempotency.transactional}: claim + effect in one transaction. */
public final class TransactionalDelivery implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(TransactionalDelivery.class);

    private final DataSource dataSource;
    private final JdbcIdempotencyStore store;
    private final TransactionalHandler handler;

    public TransactionalDelivery(DataSource dataSource, JdbcIdempotencyStore store, TransactionalHandler handler) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = store;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void handle(Delivery delivery) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (!store.claimInTransaction(c, delivery.group(), delivery.id())) {
                    c.rollback();
                    log.debug("Skipping duplicate {} for group {} (already done in {})", delivery.id(), delivery.group(),
                            store.table());
                    return;
                }
                handler.handle(delivery, c);
                c.commit();
            } catch (Throwable failure) {
                rollbackQuietly(c, failure);
                throw failure;
            } finally {
                restoreQuietly(c, autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Throwable failure) {
        try {
            if (!c.isClosed()) c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e); // a dead connection rolls back on the server anyway
        }
    }

    private static void restoreQuietly(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed()) c.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // connection is broken; the pool (or close) discards it
        }
    }
}
