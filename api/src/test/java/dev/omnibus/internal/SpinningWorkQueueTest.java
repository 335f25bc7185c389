package dev.omnibus.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SpinningWorkQueueTest {

    @Test
    void aPoolOnItRunsEveryJobFromSeveralSubmitters() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new SpinningWorkQueue());
        AtomicLong ran = new AtomicLong();
        try {
            // bursts with gaps, so workers go through polling, parking and being woken
            Runnable submitter = () -> {
                for (int burst = 0; burst < 200; burst++) {
                    for (int i = 0; i < 250; i++) pool.execute(ran::incrementAndGet);
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            };
            // two threads of their own: the common pool has a single thread on a 2-core machine and would run them one after the other
            Thread[] submitters = {new Thread(submitter, "submitter-1"), new Thread(submitter, "submitter-2")};
            for (Thread t : submitters) t.start();
            for (Thread t : submitters) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 100_000);
        } finally {
            pool.shutdown();
        }
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).as("idle workers end on shutdown, polling or parked").isTrue();
    }

    @Test
    void aTakeThatPolledInVainParksAtOnceForTheNextIdleTakes() throws Exception {
        SpinningWorkQueue queue = new SpinningWorkQueue();
        CompletableFuture<Runnable> first = CompletableFuture.supplyAsync(() -> take(queue));
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.parkDirectly() == SpinningWorkQueue.RETRY_EVERY);
        Runnable job = () -> {};
        queue.offer(job);
        assertThat(first.get(5, TimeUnit.SECONDS)).isSameAs(job);

        CompletableFuture<Runnable> second = CompletableFuture.supplyAsync(() -> take(queue));
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.parkDirectly() == SpinningWorkQueue.RETRY_EVERY - 1);
        queue.offer(job);
        assertThat(second.get(5, TimeUnit.SECONDS)).isSameAs(job);

        queue.offer(job); // work waiting: taken at once, the count of direct parks is not used up
        assertThat(queue.take()).isSameAs(job);
        assertThat(queue.parkDirectly()).isEqualTo(SpinningWorkQueue.RETRY_EVERY - 1);
    }

    @Test
    void anInterruptedTakeThrows() {
        SpinningWorkQueue queue = new SpinningWorkQueue();
        Thread.currentThread().interrupt();
        org.assertj.core.api.Assertions.assertThatThrownBy(queue::take).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("flag cleared, as a blocking take clears it").isFalse();
    }

    private static Runnable take(SpinningWorkQueue queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
