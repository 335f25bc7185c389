package dev.omnibus.nats;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.conformance.fixtures.NatsProcessBroker;
import dev.omnibus.nats.internal.Names;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

import java.util.Map;
import java.util.Optional;

/**
 * The broker of this module's tests, one per test JVM: an external server named by {@code OMNIBUS_NATS_URL},
 * else a {@code nats-server} process of its own ({@link NatsProcessBroker}, clients through a TcpProxy so the
 * fault kit can cut and freeze connections). Every choice gets a foreign publisher on plain jnats.
 */
final class NatsFixtures {
    private static BrokerFixture shared;

    private NatsFixtures() {}

    /** The shared fixture, not necessarily started (the kit starts it; start() is idempotent). */
    static synchronized BrokerFixture shared() {
        if (shared == null) {
            String external = System.getenv("OMNIBUS_NATS_URL");
            BrokerFixture base;
            if (external != null && !external.isBlank()) {
                base = new External(external);
            } else if (NatsProcessBroker.isInstalled()) {
                base = new NatsProcessBroker().routeClientsThroughProxy();
            } else {
                throw new IllegalStateException("No NATS for the tests: set OMNIBUS_NATS_URL or install nats-server "
                        + "(apt-get install nats-server)");
            }
            shared = withForeignPublisher(base);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "omnibus-nats-close"));
        }
        return shared;
    }

    /** The shared fixture, started. */
    static synchronized BrokerFixture started() {
        BrokerFixture f = shared();
        try {
            f.start();
        } catch (Exception e) {
            throw new IllegalStateException("NATS fixture " + f.name() + " did not start: " + e.getMessage(), e);
        }
        return f;
    }

    /** A plain jnats connection to the fixture's server. */
    static Connection nativeConnection(BrokerFixture f) throws Exception {
        return Nats.connect(new io.nats.client.Options.Builder().server(f.url()).connectionName("omnibus-test-native").build());
    }

    /** The JetStream view of a group's durable consumer. */
    static ConsumerInfo consumer(BrokerFixture f, String topic, String group) throws Exception {
        try (Connection c = nativeConnection(f)) {
            return c.jetStreamManagement().getConsumerInfo(Names.stream(topic), Names.durable(group));
        }
    }

    /** Publishes raw bytes with plain jnats to the topic's subject (creating the stream like the driver would). */
    static void publishForeign(BrokerFixture f, String topic, String key, byte[] payload, Map<String, String> headers) throws Exception {
        try (Connection c = nativeConnection(f)) {
            JetStreamManagement jsm = c.jetStreamManagement();
            if (!jsm.getStreamNames().contains(Names.stream(topic))) {
                jsm.addStream(StreamConfiguration.builder().name(Names.stream(topic)).subjects(topic).storageType(StorageType.File).build());
            }
            Headers h = new Headers();
            headers.forEach(h::put);
            if (key != null) h.put("ce-partitionkey", key);
            c.jetStream().publish(topic, h, payload);
        }
    }

    private static BrokerFixture withForeignPublisher(BrokerFixture delegate) {
        return new ForwardingBrokerFixture(delegate) {
            @Override public Optional<ForeignPublisher> foreignPublisher() {
                return Optional.of((topic, key, payload, headers) -> publishForeign(this, topic, key, payload, headers));
            }
        };
    }

    /** A server someone else runs. */
    private record External(String url) implements BrokerFixture {
        @Override public String name() { return "nats-external"; }
        @Override public void start() {}
        @Override public void close() {}
    }
}
