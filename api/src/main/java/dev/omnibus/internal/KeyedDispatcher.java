package dev.omnibus.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
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

    private static final int BATCH = 64; // jobs a worker runs on one lane before yielding to other lanes

    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final Map<Object, Lane> lanes = new HashMap<>();
    private boolean closed;

    KeyedDispatcher(ExecutorService workers, ScheduledExecutorService scheduler) {
        this.workers = workers;
        this.scheduler = scheduler;
    }

    /**
     * Queues {@code job} on the lane {@code laneKey} (compared with {@code equals}: an ordering key, or a fresh
     * object for a job that waits for no other).
     */
    void submit(Object laneKey, Job job) {
        Lane start = null;
        synchronized (this) {
            if (!closed) {
                Lane lane = lanes.computeIfAbsent(laneKey, Lane::new);
                lane.add(job);
                if (!lane.running) {
                    lane.running = true;
                    start = lane;
                }
            }
        }
        if (start == null) {
            synchronized (this) { if (!closed) return; }
            job.abandon();
            return;
        }
        execute(start);
    }

    /**
     * Runs {@code job} on the calling thread when nothing else is queued, running or waiting for a retry, and
     * returns true; returns false (and does nothing) otherwise, or after {@link #close()}. The job then holds its
     * lane as it would on a worker: jobs submitted meanwhile for its lane queue behind it, and if it asks to run
     * again after a delay, that run and the lane's later jobs go to the workers. For one delivering thread
     * this is {@link #submit} without the hand-off to a worker, with the same order per lane, and with at most one
     * job running at a time when the pool has one worker.
     */
    boolean runHereIfIdle(Object laneKey, Job job) {
        Lane lane;
        synchronized (this) {
            if (closed || !lanes.isEmpty()) return false;
            lane = new Lane(laneKey);
            lane.head = job;
            lane.running = true;
            lanes.put(laneKey, lane);
        }
        drain(lane);
        return true;
    }

    private void execute(Lane lane) {
        try {
            workers.execute(() -> drain(lane));
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            drain(lane); // only after close(): drain abandons the lane's jobs
        }
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
                    if (i >= BATCH) { // yield the worker to other lanes, keep our place
                        execute(lane);
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
                        lane.retry = scheduler.schedule(() -> execute(lane),
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
