package dev.omnibus.bench.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What a native application writes for per-key ordered concurrency: N single-thread executors, a key
 * always on the same one ({@code hash(key) mod N}). Used by native legs with consumerConcurrency &gt; 1;
 * with concurrency 1 native legs handle messages inline on the client's own thread.
 */
final class KeyedWorkers implements AutoCloseable {
    private final ExecutorService[] workers;

    KeyedWorkers(int n, String name) {
        workers = new ExecutorService[n];
        for (int i = 0; i < n; i++) {
            String threadName = name + "-" + i;
            workers[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
        }
    }

    void submit(String key, Runnable task) {
        int i = key == null ? 0 : Math.floorMod(key.hashCode(), workers.length);
        workers[i].execute(task);
    }

    @Override
    public void close() {
        for (ExecutorService w : workers) w.shutdown();
        for (ExecutorService w : workers) {
            try {
                w.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
