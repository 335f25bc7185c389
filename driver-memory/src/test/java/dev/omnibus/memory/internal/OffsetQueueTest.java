package dev.omnibus.memory.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OffsetQueueTest {

    @Test
    void behavesAsADequeThroughWrapAroundAndGrowth() {
        OffsetQueue q = new OffsetQueue();
        ArrayDeque<Long> expected = new ArrayDeque<>();
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            int op = random.nextInt(10);
            if (op < 5) { q.addLast(i); expected.addLast((long) i); }
            else if (op < 6) { q.addFirst(-i); expected.addFirst((long) -i); }
            else if (!expected.isEmpty()) {
                assertEquals(expected.peekFirst(), q.peekFirst());
                assertEquals(expected.pollFirst(), q.pollFirst());
            }
            assertEquals(expected.size(), q.size());
            assertEquals(expected.isEmpty(), q.isEmpty());
        }
        List<Long> all = new ArrayList<>();
        q.forEach(all::add);
        assertEquals(new ArrayList<>(expected), all);
    }

    @Test
    void anEmptyQueueRefusesToBeRead() {
        OffsetQueue q = new OffsetQueue();
        assertThrows(NoSuchElementException.class, q::peekFirst);
        assertThrows(NoSuchElementException.class, q::pollFirst);
        q.addFirst(7);
        assertEquals(7, q.pollFirst());
        assertThrows(NoSuchElementException.class, q::pollFirst);
    }
}
