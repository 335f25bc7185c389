package dev.omnibus.spi;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;

/**
 * The executor a driver completes application-facing futures on (publish receipts), off its broker client's own
 * threads, for drivers only.
 *
 * <p>Application code attaches callbacks with {@code thenApply}, {@code whenComplete} and the like, and those run on
 * the thread that completes the future. A driver therefore completes them on a thread of its own, never on the
 * client's network thread. That thread must also survive a callback that waits: a callback that publishes again
 * and {@code join()}s the result waits for a completion that the same executor has to run. On a single-thread
 * executor that completion queues behind the waiting callback and never runs. The executor made here runs one task
 * at a time, in the order they were submitted, as a single thread does; when a task blocks on a
 * {@link java.util.concurrent.CompletableFuture} ({@code join}, {@code get}), it starts another thread for the
 * tasks behind it (a {@link ForkJoinPool} of parallelism 1 compensating a managed block). Order holds while no task
 * blocks. The kit's {@code Lifecycle.aPublishCallbackMayWaitForAnotherPublish} checks it on every driver.
 */
public final class Completions {
    private Completions() {}

    /**
     * A new completion executor whose daemon threads are named {@code name-N}. Shut it down when the transport
     * closes; a task submitted after that is rejected with {@link java.util.concurrent.RejectedExecutionException}.
     */
    public static ExecutorService newExecutor(String name) {
        return new ForkJoinPool(1, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(name + "-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, true);
    }

    /**
     * {@code executor}, or the submitting thread once {@code executor} is shut down: a completion that arrives while
     * the transport closes still happens. For {@code *Async} stages and {@code execute} alike.
     */
    public static Executor orCaller(ExecutorService executor) {
        return task -> {
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
    }
}
