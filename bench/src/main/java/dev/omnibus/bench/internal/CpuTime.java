package dev.omnibus.bench.internal;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this JVM, every thread together (client threads, GC and JIT included), through
 * {@code com.sun.management.OperatingSystemMXBean} (HotSpot). Per message it is the client's cost in a form the
 * machine's load hardly moves: on a busy 2-core machine a leg's rate follows what else runs, while the CPU it
 * spends per message does not (a broker in another process is not counted; the in-memory broker is, for both legs).
 */
final class CpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b ? b : null;

    private CpuTime() {}

    /** Nanoseconds of CPU this process has used, or -1 where the JVM cannot tell. */
    static long processNanos() {
        if (OS == null) return -1;
        long t = OS.getProcessCpuTime();
        return t >= 0 ? t : -1;
    }
}
