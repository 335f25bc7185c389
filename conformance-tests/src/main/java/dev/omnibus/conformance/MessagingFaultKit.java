package dev.omnibus.conformance;

import dev.omnibus.Capability;
import dev.omnibus.DeadLetters;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.PublishReceipt;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.conformance.faults.CountingDriver;
import dev.omnibus.conformance.faults.CrashingConsumer;
import dev.omnibus.conformance.fixtures.ForkedProcess;
import dev.omnibus.conformance.history.History;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fault group of the kit: what a driver does on the worst day, against its real broker. A driver
 * module extends it once ({@code <Driver>FaultTest}) with a fixture that can kill and restart the
 * broker. Every test runs a steady keyed publisher and a consumer group through the fault and judges
 * the {@link History}: no acknowledged publish may be lost; with PER_KEY_ORDERING no key may go out of
 * order; duplicates are reported. Verdicts, with the time to recover, land in {@code target/history/}.
 */
public abstract class MessagingFaultKit extends BrokerKit {
    private static final int KEYS = 8;

    /** How long the broker stays down in the outage tests. */
    protected Duration outage() { return Duration.ofSeconds(3); }

    /** How long to publish before and after the fault. */
    protected Duration steadyPhase() { return Duration.ofSeconds(3); }

    @Override protected Duration patience() { return Duration.ofSeconds(180); }

    /** Publishes keyed messages at a steady pace on its own thread, recording every outcome. */
    protected final class SteadyPublisher implements AutoCloseable {
        private final Thread thread;
        private final List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        private volatile boolean running = true;

        SteadyPublisher(Messaging bus, String topic, History h, int perSecond) {
            thread = new Thread(() -> {
                long seq = 0;
                long pauseNanos = 1_000_000_000L / perSecond;
                long next = System.nanoTime();
                while (running) {
                    for (int k = 0; k < KEYS && running; k++) {
                        Message m = History.message("key-" + k, seq);
                        CompletableFuture<PublishReceipt> f;
                        try {
                            f = h.track(m, bus.publish(topic, m));
                        } catch (RuntimeException e) {
                            f = h.track(m, CompletableFuture.failedFuture(e));
                        }
                        synchronized (futures) { futures.add(f); }
                    }
                    seq++;
                    next += pauseNanos * KEYS;
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
            }, "steady-publisher");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops publishing and waits for every publish outcome. */
        @Override
        public void close() {
            running = false;
            try { thread.join(30_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            List<CompletableFuture<PublishReceipt>> all;
            synchronized (futures) { all = new ArrayList<>(futures); }
            History.awaitAll(all, patience().toSeconds());
        }
    }

    private void runThroughFault(Runnable fault, Runnable recover) {
        assumeTrue(fixture().supportsRestart(), fixture().name() + " cannot kill and restart its broker");
        Messaging producer = connect(Map.of("requestTimeout", "30s"));
        Messaging consumer = connect();
        String t = topic("fault");
        String g = group("through-fault");
        History h = history();
        AtomicReference<Instant> recoveredAt = new AtomicReference<>();
        AtomicReference<Instant> faultEnded = new AtomicReference<>();
        track(consumer.subscribe(t, baseOptions(g).concurrency(4).retry(RetryPolicy.fixed(5, Duration.ofMillis(200))), d -> {
            h.delivered(g, d);
            if (faultEnded.get() != null && recoveredAt.get() == null) recoveredAt.compareAndSet(null, Instant.now());
        }));
        try (SteadyPublisher publisher = new SteadyPublisher(producer, t, h, 200)) {
            eventually().until(() -> h.receivedUnique(g) > 50);
            fault.run();
            recover.run();
            faultEnded.set(Instant.now());
            eventually().until(() -> recoveredAt.get() != null);
            // recovery means new publishes are acknowledged and delivered again, not just the backlog
            long ackedAtRecovery = h.verdict(g).acknowledged();
            eventually().untilAsserted(() -> assertThat(h.verdict(g).acknowledged())
                    .as("publishes acknowledged after the fault, %s", h.verdict(g)).isGreaterThan(ackedAtRecovery + 100));
            long before = h.receivedUnique(g);
            eventually().until(() -> h.receivedUnique(g) > before + 50);
        }
        eventually().untilAsserted(() -> {
            History.Verdict v = h.verdict(g);
            assertThat(v.lost()).as("acknowledged but not received (yet), %s", v).isZero();
        });
        History.Verdict v = h.verdict(g);
        recoverySeconds(h, Duration.between(faultEnded.get(), recoveredAt.get()).toMillis() / 1000.0);
        assertThat(v.lost()).as("lost, %s", v).isZero();
        if (producer.capabilities().contains(Capability.PER_KEY_ORDERING)) {
            assertThat(v.outOfOrder()).as("per-key out of order, %s", v).isZero();
        }
        assertThat(v.acknowledged()).as("publishes went on through the fault, %s", v).isGreaterThan(100);
    }

    @Test void brokerKilledMidStreamLosesNoAcknowledgedMessage() {
        runThroughFault(() -> fixture().kill(), () -> {
            parkFor(outage());
            fixture().restart();
        });
    }

    @Test void brokerStoppedGracefullyLosesNoAcknowledgedMessage() {
        runThroughFault(() -> fixture().stop(), () -> {
            parkFor(outage());
            fixture().restart();
        });
    }

    @Test void consumerProcessCrashingBeforeCompletionGetsItRedelivered() throws Exception {
        Messaging bus = connect();
        String t = topic("crash");
        String g = group("crashy");
        ProcessBuilder pb = new ProcessBuilder(ForkedProcess.javaCommand(System.getProperty("java.class.path"),
                List.of("-Xmx256m"), CrashingConsumer.class.getName(), crashArgs(t, g))).redirectErrorStream(true);
        Process child = pb.start();
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (java.io.IOException ignored) { /* child gone */ }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            eventually().until(() -> lines.contains("SUBSCRIBED") || !child.isAlive());
            assertThat(child.isAlive()).as("crashing consumer started: %s", lines).isTrue();
            Message m = History.message("k", 0);
            bus.publish(t, m).get(patience().toSeconds(), TimeUnit.SECONDS);
            eventually().until(() -> !child.isAlive());
            assertThat(lines).as("the crashed consumer had received it").contains("RECEIVED " + m.id());
            CountDownLatch again = new CountDownLatch(1);
            track(connect().subscribe(t, baseOptions(g), d -> { if (d.id().equals(m.id())) again.countDown(); }));
            assertThat(again.await(patience().toSeconds(), TimeUnit.SECONDS)).as("redelivered to the next consumer").isTrue();
        } finally {
            child.destroyForcibly();
        }
    }

    private List<String> crashArgs(String topic, String group) {
        List<String> args = new ArrayList<>(List.of(fixture().url(), topic, group));
        fixture().options().forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    @Test void slowConsumerWithAFastProducerStaysWithinMaxInFlight() throws Exception {
        String scheme = fixture().url().substring(0, fixture().url().indexOf(':'));
        CountingDriver counting = new CountingDriver(scheme);
        Messaging bus = Messaging.connect(MessagingConfig.builder(fixture().url()).options(fixture().options()).driver(counting).build());
        try {
            String t = topic("slow");
            CountDownLatch release = new CountDownLatch(1);
            track(bus.subscribe(t, baseOptions(group("slow")).concurrency(2).maxInFlight(20), d -> release.await()));
            List<CompletableFuture<PublishReceipt>> sent = new ArrayList<>();
            byte[] payload = new byte[10 * 1024];
            for (int i = 0; i < 2_000; i++) {
                sent.add(bus.publish(t, Message.ofBytes("dev.omnibus.kit.Bulk", payload, null).withKey("k" + (i % 50))));
            }
            History.awaitAll(sent, patience().toSeconds());
            eventually().until(() -> counting.unsettled() >= 2);
            assertThat(counting.maxUnsettled()).as("unsettled inbounds handed to the core").isLessThanOrEqualTo(20);
            release.countDown();
        } finally {
            bus.close();
        }
    }

    @Test void poisonMessagesInTheStreamAreDeadLetteredWhileOtherKeysFlow() {
        Messaging bus = connect();
        String t = topic("poison-stream");
        String g = group("g");
        History h = history();
        ConcurrentLinkedQueue<Message> dead = new ConcurrentLinkedQueue<>();
        track(bus.subscribe(t + DeadLetters.DEFAULT_SUFFIX, baseOptions(), d -> dead.add(d.message())));
        track(bus.subscribe(t, baseOptions(g).concurrency(4).retry(RetryPolicy.fixed(3, Duration.ofMillis(50))), d -> {
            if ("poison".equals(d.message().subject())) throw new IllegalStateException("poison " + d.id());
            h.delivered(g, d);
        }));
        List<CompletableFuture<PublishReceipt>> sent = new ArrayList<>();
        int poisons = 0;
        for (int seq = 0; seq < 100; seq++) {
            for (int k = 0; k < KEYS; k++) {
                Message m = History.message("key-" + k, seq);
                if (seq % 25 == 7 && k % 2 == 0) {
                    m = m.toBuilder().subject("poison").extension(History.SEQ, null).build();
                    poisons++;
                    sent.add(bus.publish(t, m));
                } else {
                    sent.add(h.track(m, bus.publish(t, m)));
                }
            }
        }
        History.awaitAll(sent, patience().toSeconds());
        int expectedDead = poisons;
        eventually().untilAsserted(() -> assertThat(h.receivedUnique(g)).as(h.verdict(g).toString()).isEqualTo(100L * KEYS - expectedDead));
        eventually().untilAsserted(() -> assertThat(dead).hasSize(expectedDead));
        History.Verdict v = h.verdict(g);
        assertThat(v.lost()).as("lost, %s", v).isZero();
        for (Message m : dead) assertThat(m.extension(DeadLetters.ATTEMPTS)).isEqualTo("3");
        if (bus.capabilities().contains(Capability.PER_KEY_ORDERING)) assertThat(v.outOfOrder()).as("%s", v).isZero();
    }

    private static void parkFor(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(deadline - System.nanoTime());
    }
}
