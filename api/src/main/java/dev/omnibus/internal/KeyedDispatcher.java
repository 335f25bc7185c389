package dev.omnibus.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs on a fixed worker pool so that jobs of one lane (an ordering key) run one at a time, in
 * submission order, while different lanes run in parallel. A job may ask to be run again after a
 * delay (a retry): its lane then waits, other lanes do not. Jobs are handed back through
 * {@link Job#abandon()} when the dispatcher is closed before they start.
 *
 * <p>Lanes with work wait in the dispatcher's own queue, under the lock {@link #submit} takes anyway, and at
 * most {@code concurrency} runner tasks on the pool take lanes from it. A busy runner therefore picks up a new
 * lane without a hand-off through the pool's queue and without waking a thread.
 */
final class KeyedDispatcher {

    /** A unit of work. */
    interface Job {
        /** Runs once; returns {@code null} when finished, or the delay after which to run it again. */
        Duration run();

        /** Called instead of {@link #run()} after {@link #close()}: give the work back. */
        void abandon();
    }

    /**
     * One key's queue. Most lanes never hold more than one job (a key's next message usually arrives after
     * its last one finished), so the first job is a field and the queue behind it is made only when needed.
     */
    private final class Lane {
        final Object key;
        Job head;                   // running or next to run; null when the lane is empty
        ArrayDeque<Job> behind;     // jobs queued behind head, created for the second one
        boolean running;            // scheduled on a worker, or waiting for a retry
        ScheduledFuture<?> retry;   // non-null while waiting for a retry delay

        Lane(Object key) { this.key = key; }

        void add(Job job) {
            if (head == null) {
                head = job;
            } else {
                if (behind == null) behind = new ArrayDeque<>();
                behind.add(job);
            }
        }

        void poll() { head = behind == null ? null : behind.poll(); }

        List<Job> clear() {
            List<Job> all = new ArrayList<>();
            if (head != null) all.add(head);
            if (behind != null) all.addAll(behind);
            head = null;
            behind = null;
            return all;
        }
    }

    private static final int BATCH = 64; // jobs a runner runs on one lane before yielding to other lanes

    private final ExecutorService workers;
    private final int concurrency;
    private final ScheduledExecutorService scheduler;
    private final Map<Object, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Lane> runnable = new ArrayDeque<>(); // lanes with work, not on a runner, not waiting for a retry
    private int runners;                                          // runner tasks started and not yet finished
    private boolean closed;

    /** {@code concurrency}: lanes run at once, at most the pool's threads. */
    KeyedDispatcher(ExecutorService workers, int concurrency, ScheduledExecutorService scheduler) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        this.workers = workers;
        this.concurrency = concurrency;
        this.scheduler = scheduler;
    }

    /**
     * Queues {@code job} on the lane {@code laneKey} (compared with {@code equals}: an ordering key, or a fresh
     * object for a job that waits for no other).
     */
    void submit(Object laneKey, Job job) {
        boolean abandon;
        synchronized (this) {
            abandon = closed;
            if (!closed) {
                Lane lane = lanes.computeIfAbsent(laneKey, Lane::new);
                lane.add(job);
                if (lane.running) return; // its runner, or its retry, takes the job in turn
                lane.running = true;
                if (!enqueue(lane)) return; // a runner at work takes the lane from the queue
            }
        }
        if (abandon) job.abandon();
        else startRunner();
    }

    /** With the lock held: queues a lane with work; true when a runner must be started for it. */
    private boolean enqueue(Lane lane) {
        runnable.add(lane);
        if (runners >= concurrency) return false;
        runners++;
        return true;
    }

    private void startRunner() {
        try {
            workers.execute(this::runLanes);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            runLanes(); // only after close(): drain abandons the lanes' jobs
        }
    }

    /** A runner: drains lanes from the queue until it is empty. */
    private void runLanes() {
        while (true) {
            Lane lane;
            synchronized (this) {
                lane = runnable.poll();
                if (lane == null) {
                    runners--;
                    return;
                }
            }
            try {
                drain(lane);
            } catch (RuntimeException | Error e) {
                // Jobs do not throw (the pipeline's attempts catch what a handler throws). If one did, its lane
                // stays stuck; this runner's place is given back so that the other lanes still run.
                boolean replace;
                synchronized (this) {
                    runners--;
                    replace = !runnable.isEmpty() && runners < concurrency;
                    if (replace) runners++;
                }
                if (replace) startRunner();
                throw e;
            }
        }
    }

    /** A lane's retry delay has passed: queue it again. */
    private void retryDue(Lane lane) {
        boolean start;
        synchronized (this) { start = enqueue(lane); }
        if (start) startRunner();
    }

    private void drain(Lane lane) {
        boolean finished = false; // the head ran to its end: remove it in the same lock as the next look
        for (int i = 0; ; i++) {
            Job job = null;
            List<Job> abandoned = null;
            synchronized (this) {
                if (finished) lane.poll();
                lane.retry = null;
                if (closed) {
                    abandoned = lane.clear();
                    lane.running = false;
                    lanes.remove(lane.key);
                } else {
                    job = lane.head;
                    if (job == null) {
                        lane.running = false;
                        lanes.remove(lane.key);
                        return;
                    }
                    if (i >= BATCH) { // yield the runner to other lanes; this one queues again behind them
                        runnable.add(lane);
                        return;
                    }
                }
            }
            if (abandoned != null) {
                abandoned.forEach(Job::abandon);
                return;
            }
            Duration again = job.run();
            if (again != null) {
                synchronized (this) {
                    if (!closed) {
                        lane.retry = scheduler.schedule(() -> retryDue(lane),
                                Math.max(0, again.toMillis()), TimeUnit.MILLISECONDS);
                        return;
                    }
                }
                finished = false;
                continue; // closed meanwhile: the top of the loop abandons this lane
            }
            finished = true;
        }
    }

    /**
     * Stops starting jobs: every job not started yet (including those waiting for a retry) is
     * abandoned. Jobs running now finish normally.
     */
    void close() {
        List<Job> abandoned = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (var it = lanes.values().iterator(); it.hasNext(); ) {
                Lane lane = it.next();
                if (lane.retry != null && lane.retry.cancel(false)) {
                    lane.retry = null;
                    lane.running = false;
                    abandoned.addAll(lane.clear());
                    it.remove();
                }
                // lanes queued on or running in a worker abandon their rest in drain()
            }
        }
        abandoned.forEach(Job::abandon);
    }

    /** Number of lanes with queued or running work (for diagnostics). */
    synchronized int activeLanes() { return lanes.size(); }
}
