package dev.omnibus.conformance;

import dev.omnibus.Capability;
import dev.omnibus.ConfigurationException;
import dev.omnibus.DeadLetterException;
import dev.omnibus.DeadLetters;
import dev.omnibus.Delivery;
import dev.omnibus.DropMessageException;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.PublishReceipt;
import dev.omnibus.RemoteHandlerException;
import dev.omnibus.RequestTimeoutException;
import dev.omnibus.RetryLaterException;
import dev.omnibus.RetryPolicy;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;
import dev.omnibus.UnsupportedCapabilityException;
import dev.omnibus.ClosedException;
import dev.omnibus.conformance.history.History;
import dev.omnibus.idempotency.IdempotencyStore;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the conformance and fault kits share: one broker fixture per concrete test class (started on
 * first use, closed when the JVM ends), connections and subscriptions closed after each test, unique
 * topic and group names, histories whose verdicts are published as report entries and written as
 * JSON under {@code target/history/}.
 */
public abstract class BrokerKit {
    private static final Map<Class<?>, BrokerFixture> FIXTURES = new ConcurrentHashMap<>();
    private static final Map<String, BrokerFixture> SHARED = new ConcurrentHashMap<>();
    private static final Random RANDOM = new Random();
    private static final Map<BrokerFixture, Set<Capability>> CAPABILITIES = new ConcurrentHashMap<>();

    private final List<Messaging> opened = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<History> histories = new CopyOnWriteArrayList<>();
    private String testName = "test";
    private final java.util.Map<History, Double> recovery = new ConcurrentHashMap<>();
    private TestReporter reporter;

    /** The broker under test; called once per concrete test class, then started and shared. */
    protected abstract BrokerFixture createFixture();

    /** How long asynchronous outcomes may take on this broker (override for slow brokers). */
    protected Duration patience() { return Duration.ofSeconds(60); }

    /**
     * The started fixture shared by every test of the concrete class, and by every kit class in the
     * JVM whose fixture has the same {@link BrokerFixture#name()} (so a driver's conformance and fault
     * tests use one broker process). A class whose fixture wraps the same broker object as the one
     * already started (a {@link ForwardingBrokerFixture} adding options, say) keeps its own wrapper, so
     * its options reach its clients; otherwise the started fixture is used as is.
     */
    protected final BrokerFixture fixture() {
        return FIXTURES.computeIfAbsent(getClass(), c -> {
            BrokerFixture candidate = createFixture();
            BrokerFixture started = SHARED.computeIfAbsent(candidate.name(), n -> {
                try {
                    candidate.start();
                } catch (Exception e) {
                    candidate.close();
                    throw new IllegalStateException("Broker fixture " + candidate.name() + " did not start: " + e.getMessage(), e);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(candidate::close, "omnibus-fixture-close"));
                return candidate;
            });
            return innermost(started) == innermost(candidate) ? candidate : started;
        });
    }

    private static BrokerFixture innermost(BrokerFixture f) {
        while (f instanceof ForwardingBrokerFixture forwarding) f = forwarding.delegate();
        return f;
    }

    /** A new connection to the broker under test (closed after the test). */
    protected final Messaging connect() { return connect(Map.of()); }

    /** A new connection with extra options. */
    protected final Messaging connect(Map<String, String> extraOptions) {
        Messaging m = Messaging.connect(config(fixture(), extraOptions));
        opened.add(m);
        return m;
    }

    /** The configuration of every kit connection: the fixture's URL and options, then {@code extraOptions}, closing within 5 s. */
    private static MessagingConfig config(BrokerFixture f, Map<String, String> extraOptions) {
        return MessagingConfig.builder(f.url()).options(f.options()).options(extraOptions).option("closeTimeout", "5s").build();
    }

    /** Closes {@code m} after the test, like the connections of {@link #connect()}. */
    protected final Messaging trackConnection(Messaging m) { opened.add(m); return m; }

    /** A unique topic name for this test. */
    protected final String topic(String purpose) {
        String base = (testName + "-" + purpose).replaceAll("[^A-Za-z0-9]", "").toLowerCase();
        if (base.length() > 60) base = base.substring(0, 60);
        return "kit." + base + "." + Long.toString(Math.abs(RANDOM.nextLong()), 36);
    }

    /**
     * Subscribe options every test starts from: per-key ordering when the driver declares it, none
     * otherwise, so a driver that honestly declares less still runs every other test (the ordering
     * group checks the fail-fast separately).
     */
    protected final SubscribeOptions baseOptions() {
        SubscribeOptions o = SubscribeOptions.defaults();
        return declares(Capability.PER_KEY_ORDERING) ? o : o.ordering(Ordering.NONE);
    }

    /** {@link #baseOptions()} in a consumer group. */
    protected final SubscribeOptions baseOptions(String group) { return baseOptions().inGroup(group); }

    /** A unique group name for this test. */
    protected static String group(String purpose) { return purpose + "-" + Long.toString(Math.abs(RANDOM.nextLong()), 36); }

    protected final Subscription track(Subscription s) { subscriptions.add(s); return s; }

    protected final ConditionFactory eventually() {
        return await().atMost(patience()).pollInterval(Duration.ofMillis(20));
    }

    /**
     * True when the connected driver declares {@code c}. The capabilities are read from one connection per fixture
     * and remembered: a connection per question cost every test several connections opened and closed (on Kafka
     * each one joins and leaves the delay forwarder's group, about a second apiece).
     */
    protected final boolean declares(Capability c) {
        return CAPABILITIES.computeIfAbsent(fixture(), f -> {
            try (Messaging m = Messaging.connect(config(f, Map.of()))) {
                return Set.copyOf(m.capabilities());
            }
        }).contains(c);
    }

    @org.junit.jupiter.api.BeforeEach
    void rememberName(TestInfo info, TestReporter reporter) {
        testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
        this.reporter = reporter;
    }

    /** A history for this test; its verdicts are published as report entries {@code history.<group>}. */
    protected final History history() {
        History h = new History();
        histories.add(h);
        return h;
    }

    @AfterEach
    void closeEverything() {
        for (History h : histories) {
            for (String g : h.groups()) {
                History.Verdict v = h.verdict(g);
                reporter.publishEntry(Map.of("history." + g, v.counts().toString(), "driver", fixture().name()));
                writeHistory(g, v, recovery.get(h));
                System.out.print(v.table(fixture().name() + " " + testName, recovery.get(h)));
            }
        }
        histories.clear();
        recovery.clear();
        for (Subscription s : subscriptions) {
            try { s.close(Duration.ofSeconds(2)); } catch (RuntimeException ignored) { /* best effort */ }
        }
        for (Messaging m : opened) {
            try { m.close(); } catch (RuntimeException ignored) { /* best effort */ }
        }
        subscriptions.clear();
        opened.clear();
    }

    /** Where each test's verdicts go as JSON: {@code target/history/} of the module running the kit. */
    protected Path historyDirectory() { return Path.of("target", "history"); }

    /** Records how long the system took to recover after a fault, for {@code history}'s JSON. */
    protected final void recoverySeconds(History history, double seconds) { recovery.put(history, seconds); }

    /** The running test method's name. */
    protected final String testName() { return testName; }

    private void writeHistory(String group, History.Verdict v, Double recoverySeconds) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("driver", fixture().name());
        doc.put("test", getClass().getSimpleName() + "." + testName);
        doc.put("group", group);
        doc.putAll(v.counts());
        doc.put("recoverySeconds", recoverySeconds);
        try {
            Files.createDirectories(historyDirectory());
            String file = (fixture().name() + "-" + testName + "-" + group).replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
            Files.writeString(historyDirectory().resolve(file), HISTORY_JSON.writeValueAsString(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the history of " + testName, e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper HISTORY_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    // ------------------------------------------------------------------------------------------------
    // helpers shared by the groups

}
