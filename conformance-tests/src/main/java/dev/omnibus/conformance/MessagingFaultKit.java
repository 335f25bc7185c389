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
import dev.omnibus.conformance.faults.SteadyPublisher;
import dev.omnibus.conformance.faults.TcpProxy;
import dev.omnibus.conformance.fixtures.ForkedProcess;
import dev.omnibus.conformance.history.History;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
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

    /** How long the proxy keeps connections frozen: longer than the timeouts of {@link #fastFailureOptions()}. */
    protected Duration freeze() { return Duration.ofSeconds(10); }

    /**
     * Connection options that make the driver give up on a silent connection within a few seconds
     * (publish timeout, heartbeats, request timeouts), for the frozen-connection test: a publish into a
     * frozen connection must complete with an error well before {@link #freeze()} ends.
     */
    protected Map<String, String> fastFailureOptions() { return Map.of(); }

    /**
     * Waits until the broker itself records that {@code group} has acknowledged everything published to
     * {@code topic} (committed offsets, subscription backlog, queue depth), for the crash-after-ack test.
     * The default asks the driver itself: {@link Messaging#lag} must read 0 for the group. A driver
     * without {@link Capability#LAG} cannot tell, and the test is skipped unless its fault test overrides
     * this with its native admin client (which also checks the driver's lag against the broker's own view).
     */
    protected void awaitAcknowledgedAtBroker(String topic, String group) {
        Messaging observer = connect();
        assumeTrue(observer.capabilities().contains(Capability.LAG), getClass().getSimpleName()
                + " neither overrides awaitAcknowledgedAtBroker() nor has a driver with LAG to ask");
        eventually().untilAsserted(() -> assertThat(observer.lag(topic, group).total())
                .as("lag of group %s on %s as the driver reports it", group, topic).isZero());
    }

    private SteadyPublisher runThroughFault(Map<String, String> options, Consumer<SteadyPublisher> fault,
                                            Consumer<SteadyPublisher> recover) {
        Messaging producer = connect(options);
        Messaging consumer = connect(options);
        String t = topic("fault");
        String g = group("through-fault");
        History h = history();
        AtomicReference<Instant> recoveredAt = new AtomicReference<>();
        AtomicReference<Instant> faultEnded = new AtomicReference<>();
        track(consumer.subscribe(t, baseOptions(g).concurrency(4).retry(RetryPolicy.fixed(5, Duration.ofMillis(200))), d -> {
            h.delivered(g, d);
            if (faultEnded.get() != null && recoveredAt.get() == null) recoveredAt.compareAndSet(null, Instant.now());
        }));
        // a second group with an idempotency store: what the broker redelivers must not take effect twice
        String effects = g + "-idempotent";
        track(consumer.subscribe(t, baseOptions(effects).concurrency(4).retry(RetryPolicy.fixed(5, Duration.ofMillis(200)))
                .idempotency(new InMemoryIdempotencyStore()), d -> h.delivered(effects, d)));
        SteadyPublisher publisher = new SteadyPublisher(producer, t, h, KEYS, 200, patience());
        try (publisher) {
            eventually().until(() -> h.receivedUnique(g) > 50);
            fault.accept(publisher);
            recover.accept(publisher);
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
            History.Verdict e = h.verdict(effects);
            assertThat(e.lost()).as("acknowledged but without effect (yet) in the idempotent group, %s", e).isZero();
        });
        History.Verdict once = h.verdict(effects);
        assertThat(once.duplicated()).as("effects applied twice despite the idempotency store, %s", once).isZero();
        History.Verdict v = h.verdict(g);
        recoverySeconds(h, Duration.between(faultEnded.get(), recoveredAt.get()).toMillis() / 1000.0);
        assertThat(v.lost()).as("lost, %s", v).isZero();
        if (producer.capabilities().contains(Capability.PER_KEY_ORDERING)) {
            assertThat(v.outOfOrder()).as("per-key out of order, %s", v).isZero();
        }
        assertThat(v.acknowledged()).as("publishes went on through the fault, %s", v).isGreaterThan(100);
        return publisher;
    }

    private void assumeRestart() {
        assumeTrue(fixture().supportsRestart(), fixture().name() + " cannot kill and restart its broker");
    }

    private TcpProxy assumeProxy() {
        Optional<TcpProxy> proxy = fixture().clientProxy();
        assumeTrue(proxy.isPresent(), fixture().name() + " does not route its clients through a TcpProxy");
        return proxy.get();
    }

    @Test void brokerKilledMidStreamLosesNoAcknowledgedMessage() {
        assumeRestart();
        runThroughFault(Map.of(), p -> fixture().kill(), p -> {
            parkFor(outage());
            fixture().restart();
        });
    }

    @Test void brokerStoppedGracefullyLosesNoAcknowledgedMessage() {
        assumeRestart();
        runThroughFault(Map.of(), p -> fixture().stop(), p -> {
            parkFor(outage());
            fixture().restart();
        });
    }

    /** Every client connection is closed and new ones are refused for the outage, then allowed again. */
    @Test void connectionsCutAndRefusedLoseNoAcknowledgedMessage() {
        TcpProxy proxy = assumeProxy();
        try {
            runThroughFault(Map.of(), p -> proxy.cut(), p -> {
                parkFor(outage());
                proxy.restore();
            });
        } finally {
            proxy.restore();
        }
    }

    /**
     * The network goes silent without closing anything: publishes into the frozen connections must
     * complete with an error while it lasts (timeouts fire), no publish call may block, and after the
     * freeze the clients recover with nothing acknowledged lost.
     */
    @Test void frozenConnectionsTimeOutAndNothingHangs() {
        TcpProxy proxy = assumeProxy();
        assumeFalse(fastFailureOptions().isEmpty(), getClass().getSimpleName() + " gives no fastFailureOptions(): with the "
                + "driver's default timeouts a publish into a frozen connection may rightly wait longer than the freeze");
        AtomicLong failedDuringFreeze = new AtomicLong();
        SteadyPublisher publisher;
        try {
            publisher = runThroughFault(fastFailureOptions(), p -> proxy.freeze(), p -> {
                long frozenAt = System.nanoTime();
                long failedBefore = p.completedUnsuccessfully();
                // timeouts must fire while the connections are still frozen
                await("a publish into the frozen connections completing with an error (fastFailureOptions "
                        + fastFailureOptions() + ")").atMost(freeze()).pollInterval(Duration.ofMillis(50))
                        .until(() -> p.completedUnsuccessfully() > failedBefore);
                failedDuringFreeze.set(p.completedUnsuccessfully() - failedBefore);
                parkFor(freeze().minusNanos(System.nanoTime() - frozenAt));
                proxy.restore();
            });
        } finally {
            proxy.restore();
        }
        assertThat(failedDuringFreeze.get()).as("publishes that completed with an error while the network was frozen "
                + "for %s (fastFailureOptions %s)", freeze(), fastFailureOptions()).isPositive();
        assertThat(publisher.longestPublishCall()).as("longest publish() call: publishing must not block").isLessThan(freeze());
    }

    /** A {@link CrashingConsumer} JVM and the lines it printed. */
    private final class CrashingChild implements AutoCloseable {
        final Process process;
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        CrashingChild(String mode, String topic, String group) throws java.io.IOException {
            List<String> args = new ArrayList<>(List.of(mode, fixture().url(), topic, group));
            fixture().options().forEach((k, v) -> args.add(k + "=" + v));
            // the child has the test class path: with its log on stderr (read below) it does not truncate the log
            // file a test module's simplelogger.properties names (target/test-log.txt), which the test JVM writes
            process = new ProcessBuilder(ForkedProcess.javaCommand(System.getProperty("java.class.path"),
                    List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.logFile=System.err"), CrashingConsumer.class.getName(), args))
                    .redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (java.io.IOException ignored) { /* child gone */ }
            }, "crashing-consumer-output");
            reader.setDaemon(true);
            reader.start();
            eventually().until(() -> lines.contains("SUBSCRIBED") || !process.isAlive());
            assertThat(process.isAlive()).as("crashing consumer started: %s", lines).isTrue();
        }

        void crash() throws java.io.IOException {
            process.getOutputStream().write("CRASH\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        @Override public void close() { process.destroyForcibly(); }
    }

    @Test void consumerProcessCrashingBeforeCompletionGetsItRedelivered() throws Exception {
        Messaging bus = connect();
        String t = topic("crash");
        String g = group("crashy");
        try (CrashingChild child = new CrashingChild("before", t, g)) {
            Message m = History.message("k", 0);
            bus.publish(t, m).get(patience().toSeconds(), TimeUnit.SECONDS);
            eventually().until(() -> !child.process.isAlive());
            assertThat(child.lines).as("the crashed consumer had received it").contains("RECEIVED " + m.id());
            CountDownLatch again = new CountDownLatch(1);
            track(connect().subscribe(t, baseOptions(g), d -> { if (d.id().equals(m.id())) again.countDown(); }));
            assertThat(again.await(patience().toSeconds(), TimeUnit.SECONDS)).as("redelivered to the next consumer").isTrue();
        }
    }

    /**
     * A consumer that completed a message and whose ack the broker has recorded crashes: the next member
     * of the group must not get that message again. The message published after it, on the same key,
     * proves the new member is receiving (with per-key ordering a redelivery would come first).
     */
    @Test void consumerProcessCrashingAfterItsAckReachedTheBrokerDoesNotGetItRedelivered() throws Exception {
        Messaging bus = connect();
        String t = topic("crash-after");
        String g = group("crashy");
        Message done = History.message("k", 0);
        Message next = History.message("k", 1);
        try (CrashingChild child = new CrashingChild("after", t, g)) {
            bus.publish(t, done).get(patience().toSeconds(), TimeUnit.SECONDS);
            eventually().until(() -> child.lines.contains("ACKED " + done.id()) || !child.process.isAlive());
            assertThat(child.lines).as("the consumer completed and acked it").contains("ACKED " + done.id());
            awaitAcknowledgedAtBroker(t, g);
            child.crash();
            eventually().until(() -> !child.process.isAlive());
        }
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        track(connect().subscribe(t, baseOptions(g), d -> seen.add(d.id())));
        bus.publish(t, next).get(patience().toSeconds(), TimeUnit.SECONDS);
        eventually().until(() -> seen.contains(next.id()));
        assertThat(seen).as("deliveries to the next member of the group").doesNotContain(done.id());
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

    /**
     * A consumer process killed during the delay of a delayed redelivery (it halts right after the broker took the
     * redelivery): the next consumer of the group gets the message once due, not before, with the attempt count
     * continuing ({@code Delivery.attempt()} 2, {@code rdlvcount} 1).
     */
    @Test void consumerProcessKilledDuringARedeliveryDelayGetsItOnceDueWithTheAttemptCountContinuing() throws Exception {
        Messaging bus = connect();
        assumeTrue(bus.capabilities().contains(Capability.DELAYED_REDELIVERY)
                || bus.capabilities().contains(Capability.ORDERED_DELAYED_REDELIVERY), "needs DELAYED_REDELIVERY");
        String t = topic("crash-delay");
        String g = group("crashy");
        Message m = History.message("k", 0);
        Instant published;
        try (CrashingChild child = new CrashingChild("redeliver", t, g)) {
            bus.publish(t, m).get(patience().toSeconds(), TimeUnit.SECONDS);
            published = Instant.now();
            eventually().until(() -> !child.process.isAlive());
            assertThat(child.lines).as("the killed consumer failed it and the broker took the redelivery")
                    .contains("RECEIVED " + m.id() + " 1", "HANDED_BACK " + m.id());
        }
        ConcurrentLinkedQueue<dev.omnibus.Delivery> seen = new ConcurrentLinkedQueue<>();
        Map<String, Instant> arrived = new java.util.concurrent.ConcurrentHashMap<>();
        track(connect().subscribe(t, CrashingConsumer.redeliveryOptions(bus, baseOptions(g)), d -> {
            arrived.putIfAbsent(d.id(), Instant.now());
            seen.add(d);
        }));
        eventually().until(() -> arrived.containsKey(m.id()));
        dev.omnibus.Delivery d = seen.stream().filter(x -> x.id().equals(m.id())).findFirst().orElseThrow();
        assertThat(d.attempt()).as("attempt count continues after the crash").isEqualTo(2);
        assertThat(d.message().extension(dev.omnibus.Redeliveries.REDELIVERIES)).isEqualTo("1");
        assertThat(d.message().extension(dev.omnibus.Redeliveries.ATTEMPTS)).isEqualTo("1");
        assertThat(arrived.get(m.id())).as("not before the delay of " + CrashingConsumer.REDELIVERY_DELAY_MILLIS + " ms")
                .isAfterOrEqualTo(published.plusMillis(CrashingConsumer.REDELIVERY_DELAY_MILLIS - 5));
        assertThat(seen.stream().filter(x -> x.id().equals(m.id()))).as("delivered once to the new consumer").hasSize(1);
    }

    /**
     * Why this driver's broker is known to lose delayed messages when it is SIGKILLed (the reason is printed
     * as the skip), or {@code null} (the default) when it must not lose any. A driver states this only with
     * the limit documented in its driver page; {@code ./omnibus evaluate --faults} ignores it and reports
     * what the broker really does.
     */
    protected String delayedMessagesLostOnBrokerKill() { return null; }

    /**
     * The broker is SIGKILLed while it holds delayed redeliveries and scheduled messages (whichever the driver
     * declares), and restarted: every acknowledged message still arrives.
     */
    @Test void brokerKilledDuringDelaysLosesNoAcknowledgedMessage() {
        assumeRestart();
        String knownLoss = delayedMessagesLostOnBrokerKill();
        assumeTrue(knownLoss == null, () -> "known limit of this driver, documented: " + knownLoss);
        String scheme = fixture().url().substring(0, fixture().url().indexOf(':'));
        CountingDriver counting = new CountingDriver(scheme);
        Messaging bus = trackConnection(Messaging.connect(MessagingConfig.builder(fixture().url()).options(fixture().options())
                .option("closeTimeout", "5s").driver(counting).build()));
        boolean redelivery = bus.capabilities().contains(Capability.DELAYED_REDELIVERY)
                || bus.capabilities().contains(Capability.ORDERED_DELAYED_REDELIVERY);
        boolean scheduled = bus.capabilities().contains(Capability.SCHEDULED_DELIVERY);
        assumeTrue(redelivery || scheduled, "needs DELAYED_REDELIVERY or SCHEDULED_DELIVERY");
        String t = topic("delays-kill");
        String g = group("g");
        History h = history();
        int n = 20;
        SubscribeOptions o = baseOptions(g).concurrency(4);
        if (redelivery) o = CrashingConsumer.redeliveryOptions(bus, o);
        track(bus.subscribe(t, o, d -> {
            // recorded before it fails, so the verdict's "received" (first attempts) counts the redelivered ones too
            h.delivered(g, d);
            if (d.attempt() == 1 && "redeliver".equals(d.message().subject())) throw new IllegalStateException("fails once");
        }));
        List<CompletableFuture<PublishReceipt>> sent = new ArrayList<>();
        long seq = 0;
        if (redelivery) {
            for (int i = 0; i < n; i++, seq++) {
                Message m = History.message("key-" + (i % KEYS), seq).toBuilder().subject("redeliver").build();
                sent.add(h.track(m, bus.publish(t, m)));
            }
            History.awaitAll(sent, patience().toSeconds());
            eventually().until(() -> counting.redeliveries() >= n);
        }
        if (scheduled) {
            for (int i = 0; i < n; i++, seq++) {
                Message m = History.message("key-" + (i % KEYS), seq);
                sent.add(h.track(m, bus.publish(t, m, dev.omnibus.PublishOptions.deliverAfter(outage().plusSeconds(3)))));
            }
            History.awaitAll(sent, patience().toSeconds());
        }
        long expected = sent.size();
        fixture().kill();
        parkFor(outage());
        fixture().restart();
        eventually().untilAsserted(() -> assertThat(h.receivedUnique(g)).as(h.verdict(g).toString()).isEqualTo(expected));
        History.Verdict v = h.verdict(g);
        assertThat(v.lost()).as("lost, %s", v).isZero();
    }

    private static void parkFor(Duration d) {
        if (d.isNegative()) return;
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) java.util.concurrent.locks.LockSupport.parkNanos(deadline - System.nanoTime());
    }
}
