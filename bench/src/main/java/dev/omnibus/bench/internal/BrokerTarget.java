package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;
import dev.omnibus.conformance.BrokerFixture;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The broker of a run and the two clients compared on it. Without a URL, the same local process
 * fixture the driver test suites use is started (found by class name, like {@code evaluate --local})
 * and stopped at {@link #close()}; {@code memory} needs no process.
 */
public final class BrokerTarget implements AutoCloseable {
    /** Brokers the harness knows. */
    public static final List<String> BROKERS = List.of("memory", "kafka", "pulsar", "rabbitmq", "nats");
    /** Brokers with a native client implemented in this build. */
    public static final List<String> IMPLEMENTED = List.of("memory", "kafka", "pulsar", "rabbitmq", "nats");

    private static final Map<String, String> FIXTURES = Map.of(
            "kafka", "dev.omnibus.conformance.fixtures.KafkaProcessBroker",
            "pulsar", "dev.omnibus.conformance.fixtures.PulsarProcessBroker",
            "rabbitmq", "dev.omnibus.conformance.fixtures.RabbitMqProcessBroker",
            "nats", "dev.omnibus.conformance.fixtures.NatsProcessBroker");

    /** Records each topic of the benchmark's own in-memory broker keeps beyond what its group still needs. */
    static final int MEMORY_RETAIN_MESSAGES = 1000;

    private final String broker;
    private final String url;
    private final Map<String, String> fixtureOptions;
    private final BrokerFixture fixture;
    private boolean onDeliveryThread;

    private BrokerTarget(String broker, String url, Map<String, String> fixtureOptions, BrokerFixture fixture) {
        this.broker = broker;
        this.url = url;
        this.fixtureOptions = fixtureOptions;
        this.fixture = fixture;
    }

    /** Starts (or names) the broker; {@code url} may be {@code null} to start a local one. */
    public static BrokerTarget open(String broker, String url) throws Exception {
        if (!BROKERS.contains(broker)) {
            throw new IllegalArgumentException("Unknown broker '" + broker + "'; choose one of " + BROKERS);
        }
        if (!IMPLEMENTED.contains(broker)) {
            throw new IllegalArgumentException("The " + broker + " native leg is not implemented in this build yet; "
                    + "available: " + IMPLEMENTED);
        }
        if (broker.equals("memory")) {
            // A small retention: the default (100,000 records a topic) keeps a sliding window of a few hundred MB that
            // lives just long enough to be copied by every young collection, which at a million messages a second cost
            // both legs more than the code under test did (docs/benchmarks.md, tenth round). A --url chooses otherwise.
            return new BrokerTarget(broker, url != null ? url : "memory://bench-" + UUID.randomUUID() + "?retainMessages=" + MEMORY_RETAIN_MESSAGES,
                    Map.of(), null);
        }
        if (url != null) return new BrokerTarget(broker, url, Map.of(), null);
        BrokerFixture fixture;
        try {
            fixture = (BrokerFixture) Class.forName(FIXTURES.get(broker)).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create the local " + broker + " broker fixture " + FIXTURES.get(broker)
                    + ": " + e + "; pass --url to use a running broker", e);
        }
        try {
            fixture.start();
        } catch (Exception e) {
            fixture.close();
            throw e;
        }
        return new BrokerTarget(broker, fixture.url(), Map.copyOf(fixture.options()), fixture);
    }

    public String broker() { return broker; }

    public String url() { return url; }

    /** A fresh native client for one leg. */
    public BenchClient nativeClient() {
        return switch (broker) {
            case "memory" -> new MemoryTransportClient(url);
            case "kafka" -> new KafkaNativeClient(URI.create(url).getAuthority());
            case "pulsar" -> new PulsarNativeClient(url);
            case "rabbitmq" -> new RabbitMqNativeClient(url);
            case "nats" -> new NatsNativeClient(url);
            default -> throw new IllegalStateException("no native client for " + broker);
        };
    }

    /** Brokers whose native client can carry the CloudEvents envelope ({@code --envelope}). */
    public static final List<String> ENVELOPE = List.of("kafka", "pulsar", "rabbitmq", "nats");

    /** A fresh native client for one leg that writes and reads the CloudEvents envelope itself. */
    public BenchClient nativeEnvelopeClient() {
        if (broker.equals("kafka")) return new KafkaNativeClient(URI.create(url).getAuthority(), true);
        if (broker.equals("pulsar")) return new PulsarNativeClient(url, true);
        if (broker.equals("rabbitmq")) return new RabbitMqNativeClient(url, true);
        if (broker.equals("nats")) return new NatsNativeClient(url, true);
        throw new IllegalStateException("no native client with the CloudEvents envelope for " + broker + "; available: " + ENVELOPE);
    }

    /** Brokers whose native client can run traced by OpenTelemetry's own instrumentation library ({@code --traced-native}). */
    public static final List<String> TRACED_NATIVE = List.of("kafka");

    /**
     * A fresh native client for one leg wrapped by OpenTelemetry's instrumentation of that client, recording to an SDK
     * set up as for the instrumented Omnibus legs ({@code sampleRatio} of new traces sampled).
     */
    public BenchClient nativeTracedClient(double sampleRatio) {
        if (broker.equals("kafka")) return new KafkaNativeClient(URI.create(url).getAuthority(), false, sampleRatio);
        throw new IllegalStateException("no traced native client for " + broker + "; available: " + TRACED_NATIVE);
    }

    /** The Omnibus legs subscribe with {@code SubscribeOptions.handleOnDeliveryThread(on)} (default off). */
    public void handleOnDeliveryThread(boolean on) { this.onDeliveryThread = on; }

    /** A fresh Omnibus client for one leg, with the settings that match the native side. */
    public BenchClient omnibusClient(Workload w) { return omnibusClient(w, false); }

    /** As {@link #omnibusClient(Workload)}; {@code instrumented} adds the OpenTelemetry and Micrometer observers. */
    public BenchClient omnibusClient(Workload w, boolean instrumented) { return omnibusClient(w, instrumented ? 1.0 : -1); }

    /**
     * As {@link #omnibusClient(Workload)}, instrumented when {@code sampleRatio} is in [0, 1]: the
     * OpenTelemetry SDK samples that fraction of new traces (parent-based), Micrometer meters everything.
     */
    public BenchClient omnibusClient(Workload w, double sampleRatio) {
        return omnibusClient(w, sampleRatio, java.util.Set.of("opentelemetry", "micrometer"));
    }

    /** As {@link #omnibusClient(Workload, double)} with only the named observation modules ({@code opentelemetry}, {@code micrometer}). */
    public BenchClient omnibusClient(Workload w, double sampleRatio, java.util.Set<String> observers) {
        Map<String, String> options = new LinkedHashMap<>(fixtureOptions);
        if (broker.equals("kafka")) options.put("partitions", Integer.toString(w.partitions()));
        if (broker.equals("rabbitmq")) options.put("shards", "1"); // one quorum queue per group, as the native side
        return new OmnibusClient(url, options, sampleRatio, observers, onDeliveryThread);
    }

    /**
     * Called after each leg, its clients closed: on {@code memory} deletes the leg's topic. The in-process broker
     * keeps each topic's last {@code retainMessages} records in the benchmark's own heap, so without this every
     * later leg would run beside the records of all earlier ones (about 250 MB per leg at 1 KiB), and the
     * collector's work would grow from leg to leg. Brokers in their own process keep their topics.
     */
    public void afterLeg(String topic) {
        if (!broker.equals("memory")) return;
        try (dev.omnibus.Messaging m = dev.omnibus.Messaging.connect(dev.omnibus.MessagingConfig.builder(url).build())) {
            m.admin().deleteTopic(topic);
        }
    }

    /** The broker as the Omnibus driver describes it. */
    public String describe() {
        try (dev.omnibus.Messaging m = dev.omnibus.Messaging.connect(
                dev.omnibus.MessagingConfig.builder(url).options(fixtureOptions).build())) {
            return m.brokerDescription();
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (fixture != null) fixture.close();
    }
}
