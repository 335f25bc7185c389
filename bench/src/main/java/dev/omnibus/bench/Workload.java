package dev.omnibus.bench;

import java.time.Duration;

/**
 * One benchmark workload in the OpenMessaging-Benchmark style: what each leg publishes and consumes.
 * Loaded from YAML ({@code src/main/resources/workloads/NAME.yaml} or a file) by
 * {@link dev.omnibus.bench.internal.WorkloadLoader}, which validates every field and names the bad one.
 *
 * @param name                short name used in reports, e.g. {@code 1kb-fixed-rate}
 * @param description         one line saying what the workload measures
 * @param messageSize         payload bytes per message (at least 16: the send timestamps are embedded)
 * @param keys                distinct ordering keys, used round-robin (0 = no key)
 * @param partitions          partitions of the topic each leg creates (Kafka, Pulsar); ignored elsewhere
 * @param producers           publishing threads, each with its own client connection
 * @param consumers           subscriptions in the one consumer group, each with its own consumer
 * @param consumerConcurrency handler workers per consumer; one key is never on two workers at once
 * @param rate                target publish rate in msg/s over all producers; 0 = as fast as it goes
 * @param maxOutstanding      most published-but-unacknowledged messages per producer (back-pressure)
 * @param maxBacklog          most messages the producers may be ahead of the consumers (sent, not failed, not yet
 *                            handled), over all producers; 0 = unbounded. With {@code rate: 0} this makes the
 *                            workload measure the rate the whole path sustains, as OpenMessaging Benchmark's
 *                            max-rate mode does, instead of how fast a queue can be filled
 * @param warmup              unrecorded time at the start of every leg
 * @param duration            recorded time of every leg
 */
public record Workload(String name, String description, int messageSize, int keys, int partitions, int producers,
                       int consumers, int consumerConcurrency, int rate, int maxOutstanding, int maxBacklog, Duration warmup,
                       Duration duration) {

    /** Bytes at the start of every payload that carry the send time (nanoTime, then epoch microseconds). */
    public static final int HEADER_BYTES = 16;

    /** True when the workload publishes as fast as it can. */
    public boolean maxRate() { return rate == 0; }

    /** The same workload with other warm-up and measured durations (for tests and smoke runs). */
    public Workload withDurations(Duration warmup, Duration duration) {
        return new Workload(name, description, messageSize, keys, partitions, producers, consumers, consumerConcurrency,
                rate, maxOutstanding, maxBacklog, warmup, duration);
    }
}
