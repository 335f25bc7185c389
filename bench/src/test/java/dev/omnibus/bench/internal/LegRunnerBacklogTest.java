package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;
import org.junit.jupiter.api.Test;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maxBacklog} holds a producer at most that many messages ahead of a consumer that cannot keep up, and
 * without it the same producer runs far ahead (so the first test can fail). The producer is paced at 10,000 msg/s,
 * several times what the consumer handles.
 */
class LegRunnerBacklogTest {
    private static final String SLOW_CONSUMER = """
            name: slow-consumer
            messageSize: 64
            keys: 4
            rate: 10000
            maxOutstanding: 1000
            warmup: 0s
            duration: 1s
            """;

    @Test
    void producerStaysWithinTheBacklogBound() throws Exception {
        QueueClient client = new QueueClient();
        LegResult leg = new LegRunner(WorkloadLoader.parse(SLOW_CONSUMER + "maxBacklog: 50\n", "slow")).run(client, "t", 1, p -> {});
        assertThat(leg.received()).as("messages handled").isPositive();
        assertThat(client.deepest.get()).as("deepest queue seen by a send").isLessThanOrEqualTo(50);
        assertThat(leg.outOfOrder()).isZero();
    }

    @Test
    void withoutTheBoundTheProducerRunsAhead() throws Exception {
        QueueClient client = new QueueClient();
        new LegRunner(WorkloadLoader.parse(SLOW_CONSUMER, "slow")).run(client, "t", 1, p -> {});
        assertThat(client.deepest.get()).as("deepest queue seen by a send").isGreaterThan(1_000);
    }

    /** Confirms every send at once and hands it to one consumer thread that spends about 200 µs per message. */
    private static final class QueueClient implements BenchClient {
        final LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        final AtomicInteger deepest = new AtomicInteger();

        @Override public String kind() { return "native"; }
        @Override public String description() { return "a queue and a slow consumer"; }
        @Override public void createTopic(String topic, int partitions) {}

        @Override
        public Publisher publisher(String topic) {
            return new Publisher() {
                @Override
                public void send(String key, byte[] payload, Ack ack) {
                    queue.add(new Object[] {key, Payloads.sendNanos(payload)});
                    deepest.accumulateAndGet(queue.size(), Math::max);
                    ack.done(null);
                }

                @Override public void close() {}
            };
        }

        @Override
        public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) {
            Thread consumer = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Object[] m = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (m == null) continue;
                        LockSupport.parkNanos(200_000); // the handler's work
                        sink.received((String) m[0], (Long) m[1]);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "slow-consumer");
            consumer.setDaemon(true);
            consumer.start();
            return consumer::interrupt;
        }

        @Override public void close() {}
    }
}
