package dev.omnibus.bench.internal;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One compared figure of a leg, e.g. the end-to-end p99. {@code higherIsBetter} tells how to read the
 * ratio: for throughput a ratio above 1 means Omnibus is faster, for latency and allocation below 1.
 */
public record Figure(String name, String unit, boolean higherIsBetter, ToDoubleFunction<LegResult> value) {

    /** Every figure the harness compares, in report order. */
    public static final List<Figure> ALL = List.of(
            new Figure("publish.rate", "msg/s", true, LegResult::publishRate),
            new Figure("publish.throughput", "MiB/s", true, LegResult::publishMBps),
            new Figure("consume.rate", "msg/s", true, LegResult::consumeRate),
            new Figure("consume.throughput", "MiB/s", true, LegResult::consumeMBps),
            latency("publish.latency.p50", 50, true), latency("publish.latency.p99", 99, true),
            latency("publish.latency.p99.9", 99.9, true), latency("publish.latency.max", 100, true),
            latency("e2e.latency.p50", 50, false), latency("e2e.latency.p99", 99, false),
            latency("e2e.latency.p99.9", 99.9, false), latency("e2e.latency.max", 100, false),
            new Figure("alloc.perMessage", "bytes/msg", false, LegResult::allocBytesPerMessage),
            new Figure("cpu.perMessage", "µs/msg", false, LegResult::cpuMicrosPerMessage));

    private static Figure latency(String name, double percentile, boolean publish) {
        return new Figure(name, "ms", false,
                leg -> LegResult.percentileMs(publish ? leg.publishLatency() : leg.endToEndLatency(), percentile));
    }
}
