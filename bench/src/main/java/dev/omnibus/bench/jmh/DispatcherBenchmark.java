package dev.omnibus.bench.jmh;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of the core's consumer pipeline and per-key ordered dispatcher, through the public API
 * on the in-memory broker: one invocation publishes {@value #BATCH} messages over {@code keys} keys
 * and waits until the handler (which does nothing) has seen all of them. {@code concurrency} is the
 * subscription's worker count. The result is messages per second through publish + broker + pipeline
 * + dispatcher + ack.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DispatcherBenchmark {
    static final int BATCH = 1000;

    @Param({"1", "4"})
    public int concurrency;

    @Param({"1000"})
    public int keys;

    private Messaging bus;
    private Subscription subscription;
    private final AtomicLong handled = new AtomicLong();
    private long expected;
    private String[] keyNames;
    private byte[] payload;

    @Setup(Level.Trial)
    public void setUp() {
        bus = Messaging.connect("memory://jmh-" + UUID.randomUUID());
        subscription = bus.subscribe("jmh.dispatch", SubscribeOptions.group("jmh").concurrency(concurrency)
                .maxInFlight(BATCH).retry(RetryPolicy.none()).noDeadLetter(), d -> handled.incrementAndGet());
        keyNames = new String[keys];
        for (int i = 0; i < keys; i++) keyNames[i] = "key-" + i;
        payload = new byte[100];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        subscription.close();
        bus.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publishAndDispatch() {
        expected += BATCH;
        for (int i = 0; i < BATCH; i++) {
            bus.publish("jmh.dispatch", Message.builder().type("jmh").key(keyNames[i % keyNames.length])
                    .data(payload, "application/octet-stream").build());
        }
        while (handled.get() < expected) LockSupport.parkNanos(10_000);
    }
}
