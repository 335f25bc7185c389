package dev.omnibus.bench.internal;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes allocated by the threads of this JVM, through {@code com.sun.management.ThreadMXBean}
 * (HotSpot). A snapshot maps thread id to its allocated bytes; the difference of two snapshots counts
 * threads alive at the second one (threads that ended in between are missed, new ones count from 0).
 * With {@code -Dbench.debugAllocation=true} the per-thread differences are printed to stderr.
 */
final class Allocation {
    private static final com.sun.management.ThreadMXBean MX = mxBean();

    private Allocation() {}

    private static com.sun.management.ThreadMXBean mxBean() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                    && b.isThreadAllocatedMemorySupported()) {
                if (!b.isThreadAllocatedMemoryEnabled()) b.setThreadAllocatedMemoryEnabled(true);
                return b;
            }
        } catch (UnsupportedOperationException | SecurityException ignored) {
            // not measurable on this JVM
        }
        return null;
    }

    static boolean supported() { return MX != null; }

    /** Thread id → allocated bytes, or an empty map when unsupported. */
    static Map<Long, Long> snapshot() {
        Map<Long, Long> out = new HashMap<>();
        if (MX == null) return out;
        long[] ids = MX.getAllThreadIds();
        long[] bytes = MX.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) if (bytes[i] >= 0) out.put(ids[i], bytes[i]);
        return out;
    }

    /** Bytes allocated between two snapshots. */
    static long between(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        boolean debug = Boolean.getBoolean("bench.debugAllocation");
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            long d = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            sum += d;
            if (debug && d > 0) {
                java.lang.management.ThreadInfo info = MX.getThreadInfo(e.getKey());
                System.err.println("alloc " + (info == null ? e.getKey() : info.getThreadName()) + " " + d);
            }
        }
        return sum;
    }
}
