package dev.omnibus.bench.internal;

import dev.omnibus.Capability;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.Ordering;
import dev.omnibus.PublishOptions;
import dev.omnibus.PublishReceipt;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The scheduled-delivery lateness figure (issue #16: "at most 1 s late for 10,000 scheduled messages spread
 * over a minute"): {@code messages} messages with due times spread evenly over {@code window}, starting
 * {@code lead} after the run begins, published in a shuffled order (so the broker must sort by due time),
 * then received by one group with 4 workers. Lateness = the start of the handler minus the due time (so it
 * includes the core's dispatch, as an application sees it); a negative one is an early delivery, which the
 * contract forbids and the run counts.
 */
public final class ScheduledLateness {
    private static final String DUE = "benchdue";
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    /**
     * The outcome.
     *
     * @param messages  scheduled
     * @param received  delivered (each counted once)
     * @param early     delivered before due
     * @param p50       median lateness
     * @param p99       99th percentile lateness
     * @param max       largest lateness
     * @param window    the span the due times covered
     */
    public record Result(int messages, long received, long early, Duration p50, Duration p99, Duration max, Duration window) {
        /** One Markdown table row: messages, window, received, early, p50, p99, max (ms). */
        public String markdown(String broker) {
            return String.format("| %s | %,d over %s | %,d | %d | %.1f | %.1f | %.1f |%n", broker, messages, window, received, early,
                    p50.toNanos() / 1e6, p99.toNanos() / 1e6, max.toNanos() / 1e6);
        }

        public static String markdownHeader() {
            return "| broker | scheduled | received | early | lateness p50 (ms) | p99 (ms) | max (ms) |\n| --- | --- | --- | --- | --- | --- | --- |\n";
        }
    }

    private ScheduledLateness() {}

    /** Runs the figure on {@code bus}; fails when the driver does not declare SCHEDULED_DELIVERY. */
    public static Result run(Messaging bus, int messages, Duration window, Duration lead, Duration patience) {
        bus.require(Capability.SCHEDULED_DELIVERY);
        String topic = "bench.scheduled." + Long.toString(System.nanoTime(), 36);
        Histogram lateness = new ConcurrentHistogram(HIGHEST_NANOS, 3);
        AtomicLong early = new AtomicLong();
        AtomicLong maxEarlyNanos = new AtomicLong();
        java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
        SubscribeOptions options = SubscribeOptions.group("lateness").ordering(Ordering.NONE).concurrency(4).maxInFlight(1024);
        try (Subscription s = bus.subscribe(topic, options, d -> {
            Instant now = Instant.now();
            if (!seen.add(d.id())) return;
            Instant due = Instant.parse(d.message().extension(DUE));
            long nanos = Duration.between(due, now).toNanos();
            if (nanos < 0) {
                early.incrementAndGet();
                maxEarlyNanos.accumulateAndGet(-nanos, Math::max);
            } else {
                lateness.recordValue(Math.min(nanos, HIGHEST_NANOS));
            }
        })) {
            Instant start = Instant.now().plus(lead);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < messages; i++) order.add(i);
            Collections.shuffle(order, new Random(16));
            List<CompletableFuture<PublishReceipt>> sent = new ArrayList<>();
            for (int i : order) {
                Instant due = start.plusNanos(window.toNanos() * i / Math.max(1, messages));
                Message m = Message.builder().type("dev.omnibus.bench.Scheduled").key("k" + (i % 64))
                        .extension(DUE, due.toString()).data(new byte[64], null).build();
                sent.add(bus.publish(topic, m, PublishOptions.deliverAt(due)));
                if (sent.size() >= 1000) {
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                    sent.clear();
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            long deadline = System.nanoTime() + lead.plus(window).plus(patience).toNanos();
            while (seen.size() < messages && System.nanoTime() < deadline) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return new Result(messages, seen.size(), early.get(), Duration.ofNanos(lateness.getValueAtPercentile(50)),
                Duration.ofNanos(lateness.getValueAtPercentile(99)), Duration.ofNanos(lateness.getMaxValue()), window);
    }
}
