package dev.omnibus.pulsar;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.conformance.fixtures.PulsarProcessBroker;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PulsarContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Map;
import java.util.Optional;

/**
 * Chooses the Pulsar broker for this module's tests, in this order: an external broker named by
 * {@code OMNIBUS_PULSAR_URL} (admin URL from {@code OMNIBUS_PULSAR_ADMIN_URL}); a standalone process
 * started by {@link PulsarProcessBroker}; Testcontainers' Pulsar container when a Docker engine answers.
 * One broker serves every test class of the JVM (starting Pulsar costs seconds); it is stopped when the
 * JVM exits. The fixture adds a native foreign publisher (pulsar-client, not Omnibus).
 */
final class PulsarFixtures {
    private static BrokerFixture shared;

    private PulsarFixtures() {}

    /** The JVM-wide broker, started. Its {@code close()} is a no-op; the broker dies with the JVM. */
    static synchronized BrokerFixture shared() {
        if (shared == null) {
            BrokerFixture chosen = choose();
            try {
                chosen.start();
            } catch (Exception e) {
                chosen.close();
                throw new IllegalStateException("Could not start " + chosen.name(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(chosen::close, "omnibus-pulsar-fixture-close"));
            shared = new Shared(chosen);
        }
        return shared;
    }

    private static BrokerFixture choose() {
        String url = System.getenv("OMNIBUS_PULSAR_URL");
        if (url != null && !url.isBlank()) return new External(url, System.getenv("OMNIBUS_PULSAR_ADMIN_URL"));
        if (PulsarProcessBroker.available()) return new PulsarProcessBroker().routeClientsThroughProxy();
        if (DockerClientFactory.instance().isDockerAvailable()) return new Container();
        throw new IllegalStateException("No Pulsar broker: set OMNIBUS_PULSAR_URL, or build the process fixture's "
                + "classpath with 'mvn -pl brokers/pulsar install', or provide a Docker engine");
    }

    /** Publishes with the native client, bypassing Omnibus. */
    static void publishForeign(BrokerFixture f, String topic, String key, byte[] payload, Map<String, String> headers)
            throws Exception {
        try (PulsarClient client = PulsarClient.builder().serviceUrl(f.url()).build();
             Producer<byte[]> p = client.newProducer(Schema.BYTES).topic("persistent://public/default/" + topic).create()) {
            TypedMessageBuilder<byte[]> b = p.newMessage().value(payload).properties(headers);
            if (key != null) b.key(key);
            b.send();
        }
    }

    /** Delegates to the chosen broker; close() leaves it running for the next test class. */
    private static final class Shared extends ForwardingBrokerFixture {
        Shared(BrokerFixture delegate) { super(delegate); }
        @Override public Optional<ForeignPublisher> foreignPublisher() {
            return Optional.of((topic, key, payload, headers) -> publishForeign(delegate(), topic, key, payload, headers));
        }
        /** docs/drivers/pulsar.md: {@code <full topic>@<ledger>:<entry>:<partition>[:<batch index>]}. */
        @Override public java.util.regex.Pattern positionFormat() {
            return java.util.regex.Pattern.compile("persistent://[^@]+@\\d+:\\d+:-?\\d+(:\\d+)?");
        }
        @Override public void close() { /* shared: closed at JVM exit */ }
    }

    /** A broker someone else runs. */
    private record External(String url, String adminUrl) implements BrokerFixture {
        @Override public String name() { return "pulsar-external"; }
        @Override public void start() {}
        @Override public Map<String, String> options() { return adminUrl == null ? Map.of() : Map.of("adminUrl", adminUrl); }
        @Override public void close() {}
    }

    /** Testcontainers' Pulsar (only when Docker answers). */
    private static final class Container implements BrokerFixture {
        private final PulsarContainer container = new PulsarContainer(DockerImageName.parse("apachepulsar/pulsar:4.0.7"));
        @Override public String name() { return "pulsar-testcontainers"; }
        @Override public void start() { container.start(); }
        @Override public String url() { return container.getPulsarBrokerUrl(); }
        @Override public Map<String, String> options() { return Map.of("adminUrl", container.getHttpServiceUrl()); }
        @Override public void close() { container.stop(); }
    }
}
