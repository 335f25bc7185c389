package dev.omnibus.spi;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where a driver completes application-facing futures (publish receipts): threads of the driver's own, off its
 * broker client's threads, for drivers only. One per transport: create it when the transport opens, close it
 * when the transport closes.
 *
 * <p>Application code attaches callbacks with {@code thenApply}, {@code whenComplete} and the like, and those run on
 * the thread that completes the future. A driver therefore completes them here, never on the client's network
 * thread. These threads also survive a callback that waits: a callback that publishes again and {@code join()}s the
 * result waits for a completion that this executor has to run. On a single-thread executor that completion queues
 * behind the waiting callback and never runs. This one runs one task at a time, in the order they were submitted,
 * as a single thread does; when a task blocks on a {@link java.util.concurrent.CompletableFuture} ({@code join},
 * {@code get}), it starts another thread for the tasks behind it (a {@link ForkJoinPool} of parallelism 1
 * compensating a managed block). Order holds while no task blocks. The kit's
 * {@code Lifecycle.aPublishCallbackMayWaitForAnotherPublish} checks it on every driver.
 *
 * <p>Once {@link #close() closed}, a task runs on the thread that submits it: a completion that arrives while the
 * transport closes still happens, rather than never. Use it for {@code execute} and {@code *Async} stages alike.
 */
public final class Completions implements Executor, AutoCloseable {
    /** How long {@link #close()} waits for the completions already queued. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ForkJoinPool pool;

    /** Completion threads named {@code threadName-N}, daemon threads, started on first use. */
    public Completions(String threadName) {
        this.pool = new ForkJoinPool(1, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(threadName + "-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, true);
    }

    /** Runs {@code task} on a completion thread, or on the calling thread once this is closed. */
    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException closed) {
            task.run();
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return pool.isShutdown();
    }

    /**
     * Takes no more tasks (later ones run on their callers) and waits up to {@link #CLOSE_WAIT} for those already
     * queued to run, so that callbacks of completed publishes have run when the transport's close returns. Called
     * from one of its own threads (a callback closing the application), it does not wait for itself. Idempotent.
     */
    @Override
    public void close() {
        pool.shutdown();
        if (Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool) return;
        try {
            pool.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
