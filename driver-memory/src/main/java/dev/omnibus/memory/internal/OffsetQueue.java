package dev.omnibus.memory.internal;

import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * A double-ended queue of offsets kept as primitive {@code long}s in a growable ring buffer: one key's
 * pending offsets in a per-key group. An {@code ArrayDeque<Long>} would box each offset when it is
 * published and unbox it when the key's turn comes, often a whole backlog later, when the box has left
 * the CPU's caches. Not thread-safe: the topic's lock guards it.
 */
final class OffsetQueue {
    private long[] ring = new long[8]; // length a power of two
    private int head;                  // index of the first element
    private int size;

    boolean isEmpty() { return size == 0; }

    int size() { return size; }

    void addLast(long offset) {
        if (size == ring.length) grow();
        ring[(head + size) & (ring.length - 1)] = offset;
        size++;
    }

    void addFirst(long offset) {
        if (size == ring.length) grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = offset;
        size++;
    }

    /** The first offset; the queue must not be empty. */
    long peekFirst() {
        if (size == 0) throw new NoSuchElementException("empty offset queue");
        return ring[head];
    }

    /** Removes and returns the first offset; the queue must not be empty. */
    long pollFirst() {
        long first = peekFirst();
        head = (head + 1) & (ring.length - 1);
        size--;
        return first;
    }

    /** Calls {@code action} with every offset, first to last. */
    void forEach(LongConsumer action) {
        for (int i = 0; i < size; i++) action.accept(ring[(head + i) & (ring.length - 1)]);
    }

    private void grow() {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
        ring = bigger;
        head = 0;
    }
}
