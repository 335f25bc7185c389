package dev.omnibus.kafka.internal;

import java.time.Duration;

/**
 * The bound on a consumer's asynchronous offset commits: at most one in flight. A loop that commits after every
 * pass and wakes for every settlement would otherwise send a commit request per message; thousands then queue at
 * the group coordinator and the broker's work on them comes out of the consumer's own CPUs. The next commit goes
 * once the last one was answered and covers everything completed meanwhile. A commit not answered within the
 * timeout no longer holds the next one back, so a lost callback stops nothing.
 *
 * <p>Not thread-safe: used by the thread that owns the consumer (commit callbacks run on that thread, inside
 * {@code poll} and {@code commit*}).
 */
final class CommitInFlight {
    private final long timeoutNanos;
    private boolean inFlight;
    private long sentNanos;

    CommitInFlight(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** True while the last commit sent is unanswered and younger than the timeout: the next one waits. */
    boolean busy() {
        return inFlight && System.nanoTime() - sentNanos < timeoutNanos;
    }

    /** An asynchronous commit was just sent. */
    void sent() {
        inFlight = true;
        sentNanos = System.nanoTime();
    }

    /** The broker answered the commit sent last (with success or an error). */
    void answered() {
        inFlight = false;
    }
}
