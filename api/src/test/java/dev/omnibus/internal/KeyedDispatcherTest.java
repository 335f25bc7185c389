package dev.omnibus.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KeyedDispatcherTest {
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final KeyedDispatcher dispatcher = new KeyedDispatcher(workers, scheduler);

    @AfterEach void shutdown() { workers.shutdownNow(); scheduler.shutdownNow(); }

    private static KeyedDispatcher.Job job(Runnable r) {
        return new KeyedDispatcher.Job() {
            @Override public Duration run() { r.run(); return null; }
            @Override public void abandon() {}
        };
    }

    @Test void oneLaneRunsInOrderAndNeverConcurrently() {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
        AtomicInteger violations = new AtomicInteger();
        for (int i = 0; i < 2000; i++) {
            String lane = "k" + (i % 7);
            int n = i;
            dispatcher.submit(lane, job(() -> {
                if (active.computeIfAbsent(lane, k -> new AtomicInteger()).incrementAndGet() > 1) violations.incrementAndGet();
                seen.computeIfAbsent(lane, k -> new CopyOnWriteArrayList<>()).add(n);
                active.get(lane).decrementAndGet();
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.values().stream().mapToInt(List::size).sum() == 2000);
        assertThat(violations.get()).isZero();
        seen.values().forEach(l -> assertThat(l).isSorted());
    }

    @Test void aRetryHoldsBackOnlyItsOwnLane() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger tries = new AtomicInteger();
        dispatcher.submit("slow", new KeyedDispatcher.Job() {
            @Override public Duration run() {
                order.add("slow-" + tries.get());
                return tries.incrementAndGet() < 3 ? Duration.ofMillis(100) : null;
            }
            @Override public void abandon() {}
        });
        dispatcher.submit("slow", job(() -> order.add("slow-next")));
        CountDownLatch fast = new CountDownLatch(1);
        dispatcher.submit("fast", job(() -> { order.add("fast"); fast.countDown(); }));
        assertThat(fast.await(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> order.contains("slow-next"));
        assertThat(order.indexOf("fast")).isLessThan(order.indexOf("slow-2"));
        assertThat(order.indexOf("slow-next")).isGreaterThan(order.indexOf("slow-2"));
    }

    @Test void closeAbandonsWhatHasNotStarted() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger abandoned = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        KeyedDispatcher single = new KeyedDispatcher(Executors.newSingleThreadExecutor(), scheduler);
        single.submit("a", job(() -> { running.countDown(); try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } ran.incrementAndGet(); }));
        for (int i = 0; i < 5; i++) {
            single.submit("a", new KeyedDispatcher.Job() {
                @Override public Duration run() { ran.incrementAndGet(); return null; }
                @Override public void abandon() { abandoned.incrementAndGet(); }
            });
        }
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        single.close();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(abandoned.get()).isEqualTo(5));
        assertThat(ran.get()).isEqualTo(1);
    }
    @Test void closeMidWayEndsEveryJobExactlyOnce() throws Exception {
        int n = 3_000;
        AtomicIntegerArray ends = new AtomicIntegerArray(n);
        CountDownLatch running = new CountDownLatch(4); // the first job of four lanes occupies the four workers
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            int id = i;
            dispatcher.submit("k" + (i % 13), new KeyedDispatcher.Job() {
                private boolean retried;

                @Override public Duration run() {
                    if (id < 4) {
                        running.countDown();
                        try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                    } else if (id % 10 == 0 && !retried) { // asks to run again later, holding its lane back
                        retried = true;
                        return Duration.ofMillis(20);
                    }
                    ends.incrementAndGet(id);
                    return null;
                }

                @Override public void abandon() { ends.incrementAndGet(id); }
            });
        }
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        dispatcher.close(); // four jobs are running: they finish; everything else is abandoned
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < n; i++) if (ends.get(i) == 0) return false;
            return true;
        });
        for (int i = 0; i < n; i++) assertThat(ends.get(i)).as("ends of job %d", i).isEqualTo(1);
        assertThat(dispatcher.activeLanes()).isZero();
    }

    @Test void runHereIfIdleRunsOnTheCallerOnlyWhileNothingElseIsQueuedRunningOrWaiting() throws Exception {
        KeyedDispatcher single = new KeyedDispatcher(Executors.newSingleThreadExecutor(), scheduler);
        Thread caller = Thread.currentThread();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        assertThat(single.runHereIfIdle("a", job(() -> ranOn.add(Thread.currentThread())))).isTrue();
        assertThat(ranOn).containsExactly(caller);
        assertThat(single.activeLanes()).isZero();

        // a job on a worker: the next one may not run here (one handler at a time), whatever its lane
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        single.submit("a", job(() -> { running.countDown(); awaitQuietly(release); }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(single.runHereIfIdle("b", job(() -> ranOn.add(Thread.currentThread())))).isFalse();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> single.activeLanes() == 0);
        assertThat(ranOn).containsExactly(caller);

        single.close();
        assertThat(single.runHereIfIdle("a", job(() -> ranOn.add(Thread.currentThread())))).isFalse();
        assertThat(ranOn).containsExactly(caller);
    }

    @Test void aJobRunHereThatAsksForARetryContinuesOnAWorkerAndItsLaneWaitsForIt() {
        KeyedDispatcher single = new KeyedDispatcher(Executors.newSingleThreadExecutor(), scheduler);
        Thread caller = Thread.currentThread();
        List<String> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger tries = new AtomicInteger();
        assertThat(single.runHereIfIdle("k", new KeyedDispatcher.Job() {
            @Override public Duration run() {
                threads.add(Thread.currentThread());
                order.add("first-" + tries.get());
                return tries.incrementAndGet() < 2 ? Duration.ofMillis(50) : null;
            }
            @Override public void abandon() {}
        })).isTrue();
        // waiting for its retry, the lane is busy: later jobs of the key (and any other) go to the worker, behind it
        assertThat(single.runHereIfIdle("k", job(() -> order.add("second")))).isFalse();
        single.submit("k", job(() -> order.add("second")));
        await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 3);
        assertThat(order).containsExactly("first-0", "first-1", "second");
        assertThat(threads.get(0)).isSameAs(caller);
        assertThat(threads.get(1)).isNotSameAs(caller);
        single.close();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
