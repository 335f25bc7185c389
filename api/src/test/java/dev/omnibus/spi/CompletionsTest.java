package dev.omnibus.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class CompletionsTest {

    @Test void runsTasksOneAtATimeInTheOrderTheyCame() throws Exception {
        ExecutorService executor = Completions.newExecutor("test-completions");
        List<Integer> ran = new ArrayList<>(); // unsynchronized on purpose: one task at a time
        AtomicReference<String> overlap = new AtomicReference<>();
        Object running = new Object();
        AtomicReference<Object> inside = new AtomicReference<>();
        try {
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                executor.execute(() -> {
                    if (!inside.compareAndSet(null, running)) overlap.set("task " + n + " ran beside another");
                    ran.add(n);
                    inside.set(null);
                });
            }
            CompletableFuture<Void> last = new CompletableFuture<>();
            executor.execute(() -> last.complete(null));
            last.get(30, TimeUnit.SECONDS);
            assertThat(overlap.get()).isNull();
            assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 20_000).boxed().toList());
        } finally {
            executor.shutdown();
        }
    }

    @Test void aTaskWaitingForALaterTaskIsNotLeftWaitingForItself() throws Exception {
        ExecutorService executor = Completions.newExecutor("test-completions");
        try {
            CompletableFuture<String> second = new CompletableFuture<>();
            CompletableFuture<String> first = new CompletableFuture<>();
            executor.execute(() -> first.complete("first saw " + second.join())); // blocks this executor's thread
            executor.execute(() -> second.complete("second"));                   // queued behind it
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("first saw second");
        } finally {
            executor.shutdown();
        }
    }

    @Test void threadsAreNamedDaemonThreads() throws Exception {
        ExecutorService executor = Completions.newExecutor("test-completions");
        try {
            CompletableFuture<Thread> thread = CompletableFuture.supplyAsync(Thread::currentThread, executor);
            Thread t = thread.get(30, TimeUnit.SECONDS);
            assertThat(t.getName()).startsWith("test-completions-");
            assertThat(t.isDaemon()).isTrue();
        } finally {
            executor.shutdown();
        }
    }

    @Test void orCallerRunsOnTheCallersThreadOnceShutDown() {
        ExecutorService executor = Completions.newExecutor("test-completions");
        executor.shutdown();
        Executor orCaller = Completions.orCaller(executor);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        orCaller.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }
}
