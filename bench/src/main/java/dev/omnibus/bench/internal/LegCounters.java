package dev.omnibus.bench.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The per-message counters of one leg, each on cache lines of its own.
 *
 * <p>The producer thread counts sends and confirmations, the consumer's thread counts deliveries. Kept
 * as neighbouring objects (as {@code LongAdder}s allocated one after the other were), a counter the
 * consumer bumps shares a cache line with one the producer bumps, and every message moves that line
 * between the two cores twice: a cost the harness would add to a leg whose client hands messages
 * from one thread to another, and not to one that does everything on the publishing thread (the
 * bare memory transport), so it skewed exactly the comparison the harness exists for. Here each
 * counter sits {@link #STRIDE} longs (128 bytes, two lines, so the adjacent-line prefetcher does not
 * pair them either) from the next, in one array whose layout the JVM cannot reorder.
 */
final class LegCounters {
    enum Name { SENT, ACKED, RECEIVED, ERRORS, ACKED_IN_WINDOW, RECEIVED_IN_WINDOW, OUT_OF_ORDER }

    private static final int STRIDE = 16;
    private final AtomicLongArray slots = new AtomicLongArray((Name.values().length + 1) * STRIDE);

    private static int slot(Name n) { return (n.ordinal() + 1) * STRIDE; } // slot 0 left empty: the array header's line

    void increment(Name n) { slots.getAndIncrement(slot(n)); }

    long get(Name n) { return slots.get(slot(n)); }
}
