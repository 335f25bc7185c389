package dev.omnibus.bench.internal;

import org.HdrHistogram.Histogram;

/**
 * What one leg measured, over its recorded window only. Latency histograms are in nanoseconds.
 *
 * @param kind                 {@code native} or {@code omnibus}
 * @param pair                 0 or below for a warm-up pair (not compared; with n warm-up pairs {@code 1 - n} to 0),
 *                             then 1, 2, … for the measured pairs
 * @param topic                the fresh topic of this leg
 * @param windowSeconds        length of the recorded window
 * @param publishRate          broker-confirmed publishes per second in the window
 * @param publishMBps          the same in MiB/s of payload
 * @param consumeRate          messages handed to the handler per second in the window
 * @param consumeMBps          the same in MiB/s of payload
 * @param publishLatency       send → broker confirmation, for sends in the window
 * @param endToEndLatency      send → handler, for messages sent in the window
 * @param allocBytesPerMessage bytes allocated by all threads of this JVM in the window per confirmed
 *                             publish, or NaN where the JVM cannot tell
 * @param cpuMicrosPerMessage  CPU time of this JVM (all threads, GC and JIT included) in the window per confirmed
 *                             publish, in microseconds, or NaN where the JVM cannot tell
 * @param sent                 sends over the whole leg
 * @param acked                confirmations over the whole leg
 * @param received             handler calls over the whole leg
 * @param errors               failed publishes
 * @param outOfOrder           messages a key received before an earlier-sent one of the same key (checked with one producer)
 */
public record LegResult(String kind, int pair, String topic, double windowSeconds, double publishRate, double publishMBps,
                        double consumeRate, double consumeMBps, Histogram publishLatency, Histogram endToEndLatency,
                        double allocBytesPerMessage, double cpuMicrosPerMessage, long sent, long acked, long received, long errors, long outOfOrder) {

    /** True for the legs of a warm-up pair. */
    public boolean warmup() { return pair <= 0; }

    /** A latency percentile in milliseconds (0 when nothing was recorded). */
    public static double percentileMs(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) return 0;
        return (percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile)) / 1e6;
    }
}
