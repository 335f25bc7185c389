package dev.omnibus.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A periodic pruning job on its own daemon thread (first run after one interval). {@link #close()} stops
 * it, waiting for a running prune to finish. Failures are logged at WARN and do not stop the schedule.
 */
public final class ScheduledPruning implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledPruning.class);

    private final ScheduledExecutorService executor;
    private final String name;

    private ScheduledPruning(String name, ScheduledExecutorService executor) {
        this.name = name;
        this.executor = executor;
    }

    static ScheduledPruning start(String name, Duration interval, IntSupplier prune) {
        JdbcIdempotencyStore.requirePositive("interval", interval);
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        ex.scheduleWithFixedDelay(() -> {
            try {
                int n = prune.getAsInt();
                if (n > 0) log.debug("{} deleted {} rows", name, n);
            } catch (RuntimeException e) {
                log.warn("{} failed; will run again: {}", name, e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new ScheduledPruning(name, ex);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() { return "ScheduledPruning{" + name + "}"; }
}
