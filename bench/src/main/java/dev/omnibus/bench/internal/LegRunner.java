package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static dev.omnibus.bench.internal.LegCounters.Name.*;

/**
 * Runs one leg: a fresh topic, {@code consumers} subscriptions of one group (established before the
 * first send), {@code producers} publishing threads paced to the workload's rate (or as fast as
 * {@code maxOutstanding} unconfirmed sends allow, and, with {@code maxBacklog}, no further ahead of the
 * consumers than that many messages), an unrecorded warm-up, a recorded window, then a
 * drain until everything confirmed has been received (bounded). Publish latency is send → broker
 * confirmation, end-to-end latency is send → handler, both for messages sent inside the window.
 */
public final class LegRunner {
    /** The consumer group of a leg: one per leg, so no leg ever joins a group a previous leg's consumer is leaving. */
    static String groupFor(String topic) { return topic + "-group"; }
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long a producer held back by {@code maxBacklog} parks before it looks again. */
    private static final long BACKLOG_PARK_NANOS = 20_000;

    /** Live counters, for progress lines. */
    public record Progress(String phase, long sent, long acked, long received) {}

    private final Workload workload;

    public LegRunner(Workload workload) { this.workload = workload; }

    /** Runs a leg with {@code client} on {@code topic}; {@code progress} is called about once a second. */
    public LegResult run(BenchClient client, String topic, int pair, Consumer<Progress> progress) throws Exception {
        Workload w = workload;
        Histogram publishLatency = new ConcurrentHistogram(HIGHEST_NANOS, 3);
        Histogram e2eLatency = new ConcurrentHistogram(HIGHEST_NANOS, 3);
        LegCounters counters = new LegCounters();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Map<String, Long> lastPerKey = new ConcurrentHashMap<>();
        boolean checkOrder = w.producers() == 1 && w.keys() > 0;

        client.createTopic(topic, w.partitions());
        Window window = new Window(); // [start, end) in nanoTime; set before the first send
        List<AutoCloseable> subscriptions = new ArrayList<>();
        List<BenchClient.Publisher> publishers = new ArrayList<>();
        List<Thread> producerThreads = new ArrayList<>();
        // producer threads stay alive until the allocation snapshot after the window (a dead thread's count is lost)
        java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
        try {
            BenchClient.Sink sink = (key, sendNanos) -> {
                long now = System.nanoTime();
                counters.increment(RECEIVED);
                if (now >= window.start && now < window.end) counters.increment(RECEIVED_IN_WINDOW);
                if (sendNanos >= window.start && sendNanos < window.end) e2eLatency.recordValue(clamp(now - sendNanos));
                if (checkOrder && key != null) {
                    Long before = lastPerKey.put(key, sendNanos);
                    if (before != null && before > sendNanos) counters.increment(OUT_OF_ORDER);
                }
            };
            for (int i = 0; i < w.consumers(); i++) {
                subscriptions.add(client.subscribe(topic, groupFor(topic), w.consumerConcurrency(), w.maxOutstanding(), sink));
            }
            for (int i = 0; i < w.producers(); i++) publishers.add(client.publisher(topic));

            long start = System.nanoTime();
            window.start = start + w.warmup().toNanos();
            window.end = window.start + w.duration().toNanos();
            String[] keys = keyNames(w.keys());
            long intervalNanos = w.rate() == 0 ? 0 : Math.max(1, 1_000_000_000L * w.producers() / w.rate());
            for (int p = 0; p < w.producers(); p++) {
                BenchClient.Publisher publisher = publishers.get(p);
                int offset = p;
                Thread t = new Thread(() -> {
                    Payloads payloads = new Payloads(w.messageSize());
                    Semaphore outstanding = new Semaphore(w.maxOutstanding());
                    long next = System.nanoTime();
                    long seq = offset;
                    // The consumers' count as this producer last read it. Reading the live count on every send would
                    // fetch a cache line the consumer's thread writes per message; a stale count overstates the
                    // backlog, so it is read again only when the overstated backlog reaches the bound.
                    long receivedSeen = 0;
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= window.end) break;
                        if (intervalNanos > 0) {
                            next += intervalNanos;
                            if (next < now - 1_000_000_000L) next = now; // far behind: do not burst to catch up
                            long wait;
                            while ((wait = next - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                        }
                        while (w.maxBacklog() > 0 && counters.get(SENT) - counters.get(ERRORS) - receivedSeen >= w.maxBacklog()) {
                            receivedSeen = counters.get(RECEIVED);
                            if (counters.get(SENT) - counters.get(ERRORS) - receivedSeen < w.maxBacklog()
                                    || System.nanoTime() >= window.end || Thread.currentThread().isInterrupted()) break;
                            LockSupport.parkNanos(BACKLOG_PARK_NANOS); // the consumers are that far behind: let them catch up
                        }
                        try {
                            if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
                        } catch (InterruptedException e) {
                            return;
                        }
                        String key = keys == null ? null : keys[(int) (seq++ % keys.length)];
                        long t0 = System.nanoTime();
                        counters.increment(SENT);
                        publisher.send(key, payloads.next(t0), error -> {
                            long t1 = System.nanoTime();
                            outstanding.release();
                            if (error != null) {
                                counters.increment(ERRORS);
                                firstError.compareAndSet(null, error);
                                return;
                            }
                            counters.increment(ACKED);
                            if (t0 >= window.start && t0 < window.end) publishLatency.recordValue(clamp(t1 - t0));
                            if (t1 >= window.start && t1 < window.end) counters.increment(ACKED_IN_WINDOW);
                        });
                    }
                    try {
                        measured.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "bench-producer-" + p);
                t.setDaemon(true);
                producerThreads.add(t);
            }
            producerThreads.forEach(Thread::start);

            Map<Long, Long> allocBefore = null;
            Map<Long, Long> allocAfter = null;
            long cpuBefore = -1;
            long cpuAfter = -1;
            long nextReport = start;
            while (true) {
                long now = System.nanoTime();
                if (allocBefore == null && now >= window.start) {
                    allocBefore = Allocation.snapshot();
                    cpuBefore = CpuTime.processNanos();
                }
                if (allocAfter == null && now >= window.end) {
                    allocAfter = Allocation.snapshot();
                    cpuAfter = CpuTime.processNanos();
                }
                if (allocAfter != null) {
                    measured.countDown();
                    break;
                }
                if (now >= nextReport) {
                    progress.accept(new Progress(now < window.start ? "warm-up" : "measure", counters.get(SENT), counters.get(ACKED), counters.get(RECEIVED)));
                    nextReport += 1_000_000_000L;
                }
                long until = Math.min(nextReport, now < window.start ? window.start : window.end);
                LockSupport.parkNanos(Math.max(1_000, until - System.nanoTime()));
            }
            for (Thread t : producerThreads) t.join(DRAIN_TIMEOUT.toMillis());
            long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while ((counters.get(ACKED) + counters.get(ERRORS) < counters.get(SENT) || counters.get(RECEIVED) < counters.get(ACKED))
                    && System.nanoTime() < drainDeadline) {
                progress.accept(new Progress("drain", counters.get(SENT), counters.get(ACKED), counters.get(RECEIVED)));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            if (counters.get(ACKED) == 0) {
                Throwable e = firstError.get();
                throw new IllegalStateException("No publish was confirmed on " + topic + " by " + client.kind()
                        + (e == null ? "" : ": " + e), e);
            }
            double seconds = w.duration().toNanos() / 1e9;
            double mib = w.messageSize() / (1024.0 * 1024.0);
            double rateIn = counters.get(ACKED_IN_WINDOW) / seconds;
            double rateOut = counters.get(RECEIVED_IN_WINDOW) / seconds;
            double alloc = Allocation.supported() && counters.get(ACKED_IN_WINDOW) > 0
                    ? (double) Allocation.between(allocBefore, allocAfter) / counters.get(ACKED_IN_WINDOW) : Double.NaN;
            double cpu = cpuBefore >= 0 && cpuAfter >= 0 && counters.get(ACKED_IN_WINDOW) > 0
                    ? (cpuAfter - cpuBefore) / 1e3 / counters.get(ACKED_IN_WINDOW) : Double.NaN;
            return new LegResult(client.kind(), pair, topic, seconds, rateIn, rateIn * mib, rateOut, rateOut * mib,
                    publishLatency.copy(), e2eLatency.copy(), alloc, cpu, counters.get(SENT), counters.get(ACKED), counters.get(RECEIVED),
                    counters.get(ERRORS), counters.get(OUT_OF_ORDER));
        } finally {
            measured.countDown();
            for (Thread t : producerThreads) t.interrupt();
            for (AutoCloseable s : subscriptions) closeQuietly(s);
            for (BenchClient.Publisher p : publishers) closeQuietly(p);
        }
    }

    /** The recorded window; written once before the first send, read by client threads. */
    private static final class Window {
        volatile long start = Long.MAX_VALUE;
        volatile long end = Long.MIN_VALUE;
    }

    private static long clamp(long nanos) { return Math.max(1, Math.min(HIGHEST_NANOS, nanos)); }

    private static String[] keyNames(int keys) {
        if (keys == 0) return null;
        String[] names = new String[keys];
        for (int i = 0; i < keys; i++) names[i] = "key-" + i;
        return names;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // end of leg: nothing to save
        }
    }
}
