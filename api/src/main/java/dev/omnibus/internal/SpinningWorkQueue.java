package dev.omnibus.internal;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The work queue of a subscription's worker pool: a {@link LinkedBlockingQueue} whose {@link #take()} first
 * polls for a short while before it parks, while polling has recently paid off.
 *
 * <p>Why: when a subscription's worker is faster than what feeds it (an in-process broker, a fast producer), it
 * empties its queue after every job and parks, and every next delivery has to wake it: a futex wake on the
 * delivering thread and a park, a context switch and a wake-up latency of tens of microseconds on the worker. On
 * the memory broker at saturation that was one park per message (about 17,000 a second, each 10–40 µs), which
 * held the publisher to a fraction of the bare transport's rate. A worker that polls for up to
 * {@link #SPIN_NANOS} before it parks picks the next job up without either thread entering the kernel, and the
 * offering thread finds no waiter to signal.
 *
 * <p>Polling costs CPU while nothing comes, so it adapts: a take that polled in vain parks at once on its next
 * {@link #RETRY_EVERY} idle takes and only then polls again; a poll that found work keeps polling on. At low or
 * bursty rates the worker therefore parks as any pool worker does and wastes at most one spin every
 * {@code RETRY_EVERY} idle periods. The state is shared by the pool's workers without synchronisation: it is a
 * hint, and a lost update only moves one decision.
 */
final class SpinningWorkQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    /** How long a take polls before it parks. */
    static final long SPIN_NANOS = 20_000;
    /** After a poll in vain, idle takes that park at once before the next poll. */
    static final int RETRY_EVERY = 16;

    /** Idle takes left that park at once; 0 = poll first. */
    private transient int parkDirectly;

    @Override
    public Runnable take() throws InterruptedException {
        Runnable job = poll();
        if (job != null) return job;
        if (parkDirectly > 0) {
            parkDirectly--;
            return super.take();
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            if (Thread.interrupted()) throw new InterruptedException(); // pool shutdown, as a parked take would see it
            Thread.onSpinWait();
            job = poll();
            if (job != null) return job;
        } while (System.nanoTime() - deadline < 0);
        parkDirectly = RETRY_EVERY;
        return super.take();
    }

    /** Idle takes left that park at once (for tests). */
    int parkDirectly() { return parkDirectly; }
}
