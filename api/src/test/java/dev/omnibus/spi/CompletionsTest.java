package dev.omnibus.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CompletionsTest {

    @Test void runsTasksOneAtATimeInTheOrderTheyCame() throws Exception {
        Completions executor = new Completions("test-completions");
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
            executor.close();
        }
    }

    @Test void aTaskWaitingForALaterTaskIsNotLeftWaitingForItself() throws Exception {
        Completions executor = new Completions("test-completions");
        try {
            CompletableFuture<String> second = new CompletableFuture<>();
            CompletableFuture<String> first = new CompletableFuture<>();
            executor.execute(() -> first.complete("first saw " + second.join())); // blocks this executor's thread
            executor.execute(() -> second.complete("second"));                   // queued behind it
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("first saw second");
        } finally {
            executor.close();
        }
    }

    @Test void threadsAreNamedDaemonThreads() throws Exception {
        Completions executor = new Completions("test-completions");
        try {
            CompletableFuture<Thread> thread = CompletableFuture.supplyAsync(Thread::currentThread, executor);
            Thread t = thread.get(30, TimeUnit.SECONDS);
            assertThat(t.getName()).startsWith("test-completions-");
            assertThat(t.isDaemon()).isTrue();
        } finally {
            executor.close();
        }
    }

    @Test void onceClosedATaskRunsOnTheCallersThread() {
        Completions executor = new Completions("test-completions");
        executor.close();
        assertThat(executor.isClosed()).isTrue();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        executor.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    @Test void closeWaitsForTheCompletionsAlreadyQueued() {
        Completions executor = new Completions("test-completions");
        AtomicBoolean queuedRan = new AtomicBoolean();
        // the first task returns only once close() has begun, so close() returns early only if it does not wait
        executor.execute(() -> await().atMost(Duration.ofSeconds(30)).until(executor::isClosed));
        executor.execute(() -> queuedRan.set(true));
        executor.close();
        assertThat(queuedRan).as("the completion queued before close ran before close returned").isTrue();
    }

    @Test void closedFromItsOwnThreadItDoesNotWaitForItself() throws Exception {
        Completions executor = new Completions("test-completions");
        CompletableFuture<Long> closeTook = new CompletableFuture<>();
        executor.execute(() -> {
            long start = System.nanoTime();
            executor.close();
            closeTook.complete(System.nanoTime() - start);
        });
        long nanos = closeTook.get(30, TimeUnit.SECONDS);
        assertThat(nanos).as("nanoseconds close() took on its own thread")
                .isLessThan(Completions.CLOSE_WAIT.toNanos());
    }
}
