package dev.omnibus.jdbc;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.SubscribeOptions;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Standalone measurement of the outbox relay on the real PostgreSQL and a broker (prints, asserts nothing):
 * <ol>
 *   <li>throughput: {@code rows} rows (100-byte payloads, {@code keys} keys) are committed first, then one relay
 *       drains them; rows/s = rows / (time from relay start to the last delivery).</li>
 *   <li>added latency: a writer commits one row at a time at {@code rate} rows/s while the relay runs;
 *       latency = delivery to a consumer in this JVM minus the writer's commit return (System.nanoTime),
 *       recorded in an HdrHistogram; reported p50/p99/max.</li>
 * </ol>
 * Arguments (all optional): {@code brokerUrl rows rate seconds batchSize pollMillis keys}; defaults
 * {@code memory://bench-<random> 20000 500 10 100 100 64}. See docs/jdbc.md for how to run it.
 */
public final class OutboxRelayMeasurement {
    private OutboxRelayMeasurement() {}

    public static void main(String[] args) throws Exception {
        String url = arg(args, 0, "memory://bench-" + UUID.randomUUID());
        int rows = Integer.parseInt(arg(args, 1, "20000"));
        int rate = Integer.parseInt(arg(args, 2, "500"));
        int seconds = Integer.parseInt(arg(args, 3, "10"));
        int batch = Integer.parseInt(arg(args, 4, "100"));
        long pollMillis = Long.parseLong(arg(args, 5, "100"));
        int keys = Integer.parseInt(arg(args, 6, "64"));
        System.out.println(run(url, rows, rate, seconds, batch, pollMillis, keys));
    }

    /** Runs both measurements and returns the report text. */
    static String run(String url, int rows, int rate, int seconds, int batch, long pollMillis, int keys) throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "broker=%s batchSize=%d pollInterval=%dms keys=%d cpus=%d%n", url.replaceAll("//[^@/]*@", "//****@"),
                batch, pollMillis, keys, Runtime.getRuntime().availableProcessors()));
        try (TestDatabase db = new TestDatabase(); Messaging bus = Messaging.connect(url)) {
            Outbox outbox = Outbox.table(db.table("outbox")).createSchema(db.dataSource());
            report.append(throughput(db, bus, outbox, rows, batch, pollMillis, keys));
            report.append(latency(db, bus, outbox, rate, seconds, batch, pollMillis, keys));
        }
        return report.toString();
    }

    private static String throughput(TestDatabase db, Messaging bus, Outbox outbox, int rows, int batch, long pollMillis, int keys) throws Exception {
        String topic = "omnibus-jdbc-bench.tp." + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch all = new CountDownLatch(rows);
        var sub = bus.subscribe(topic, SubscribeOptions.group("bench").concurrency(4).maxInFlight(1024), d -> all.countDown());
        byte[] payload = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                outbox.publish(c, topic, Message.ofBytes("bench", payload, "text/plain").withKey("k" + (i % keys)));
                if (i % 500 == 499) c.commit();
            }
            c.commit();
        }
        long start = System.nanoTime();
        try (OutboxRelay relay = OutboxRelay.builder(bus, db.dataSource()).outbox(outbox).batchSize(batch)
                .pollInterval(Duration.ofMillis(pollMillis)).name("bench-tp").start()) {
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("not drained: " + all.getCount() + " left, relay published " + relay.publishedCount());
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        sub.close();
        return String.format(Locale.ROOT, "throughput: %d rows drained in %.2f s = %.0f rows/s%n", rows, secs, rows / secs);
    }

    private static String latency(TestDatabase db, Messaging bus, Outbox outbox, int rate, int seconds, int batch, long pollMillis, int keys) throws Exception {
        String topic = "omnibus-jdbc-bench.lat." + UUID.randomUUID().toString().substring(0, 8);
        int total = rate * seconds;
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
        Map<String, Long> publishedAt = new ConcurrentHashMap<>();
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        Histogram toPublish = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        CountDownLatch all = new CountDownLatch(total);
        var sub = bus.subscribe(topic, SubscribeOptions.group("bench").concurrency(4), d -> {
            if (deliveredAt.putIfAbsent(d.id(), System.nanoTime()) == null) all.countDown();
        });
        byte[] payload = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        OutboxPublisher timed = (t, m) -> {
            publishedAt.putIfAbsent(m.id(), System.nanoTime());
            return bus.publish(t, m);
        };
        try (OutboxRelay relay = OutboxRelay.builder(timed, db.dataSource()).outbox(outbox).batchSize(batch)
                .pollInterval(Duration.ofMillis(pollMillis)).name("bench-lat").start();
             Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            long intervalNanos = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < total; i++) {
                while (System.nanoTime() < next) Thread.onSpinWait();
                next += intervalNanos;
                Message m = Message.ofBytes("bench", payload, "text/plain").withKey("k" + (i % keys));
                outbox.publish(c, topic, m);
                c.commit();
                committedAt.put(m.id(), System.nanoTime());
            }
            if (!all.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("not delivered: " + all.getCount() + " left, relay published " + relay.publishedCount());
            }
        }
        sub.close();
        deliveredAt.forEach((id, t1) -> {
            micros.recordValue(Math.max(0, (t1 - committedAt.get(id)) / 1000));
            toPublish.recordValue(Math.max(0, (publishedAt.get(id) - committedAt.get(id)) / 1000));
        });
        return String.format(Locale.ROOT, "added latency at %d rows/s for %d s (commit -> delivered): p50=%.1f ms p99=%.1f ms max=%.1f ms (n=%d)%n"
                        + "  of which commit -> relay publish call: p50=%.1f ms p99=%.1f ms%n",
                rate, seconds, micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, micros.getTotalCount(),
                toPublish.getValueAtPercentile(50) / 1000.0, toPublish.getValueAtPercentile(99) / 1000.0);
    }

    private static String arg(String[] args, int i, String dflt) { return args.length > i ? args[i] : dflt; }
}
