package dev.omnibus.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.conformance.fixtures.RabbitMqProcessBroker;
import dev.omnibus.rabbitmq.internal.Topology;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the broker for this module's tests: an external broker named by {@code OMNIBUS_RABBITMQ_URL};
 * else an isolated local node of the machine's {@code rabbitmq-server} ({@link RabbitMqProcessBroker});
 * else a Testcontainers RabbitMQ when a Docker engine answers. Every choice gets a foreign publisher
 * built on amqp-client (the JDK-only process fixture has none).
 */
final class RabbitMqFixtures {
    private RabbitMqFixtures() {}

    static BrokerFixture choose() { return choose(false); }

    /**
     * Like {@link #choose()}; with {@code proxied} a process node routes its clients through a
     * {@link dev.omnibus.conformance.faults.TcpProxy} (for the fault kit's connection cut and freeze tests).
     */
    static BrokerFixture choose(boolean proxied) {
        String external = System.getenv("OMNIBUS_RABBITMQ_URL");
        if (external != null && !external.isBlank()) return withForeignPublisher(new External(external));
        if (RabbitMqProcessBroker.isInstalled()) {
            RabbitMqProcessBroker node = new RabbitMqProcessBroker();
            return withForeignPublisher(proxied ? node.routeClientsThroughProxy() : node);
        }
        if (DockerClientFactory.instance().isDockerAvailable()) return withForeignPublisher(new Container());
        throw new IllegalStateException("No RabbitMQ for the tests: set OMNIBUS_RABBITMQ_URL, install rabbitmq-server"
                + " (apt-get install rabbitmq-server) or provide a Docker engine");
    }

    /** A native connection to the fixture's broker (for foreign publishers and wire checks). */
    static Connection nativeConnection(BrokerFixture f) throws Exception {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setUri(f.url());
        return cf.newConnection("omnibus-test-native");
    }

    /** Publishes raw bytes with amqp-client: to the topic's exchange with the routing key of the key's bucket. */
    static void publishForeign(BrokerFixture f, String topic, String key, byte[] payload, Map<String, String> headers)
            throws Exception {
        try (Connection c = nativeConnection(f); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(topic, BuiltinExchangeType.TOPIC, true);
            ch.confirmSelect();
            Map<String, Object> h = new HashMap<>(headers);
            Object contentType = h.remove("content-type"); // the AMQP content_type property, not a header
            if (key != null) h.put("cloudEvents:partitionkey", key);
            ch.basicPublish(topic, Topology.routingKey(key), new AMQP.BasicProperties.Builder().headers(h).deliveryMode(2)
                    .contentType(contentType == null ? null : contentType.toString()).build(), payload);
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    /** Runs rabbitmqctl against a process-fixture node (output in its log dir); false for other fixtures. */
    static boolean ctl(BrokerFixture f, String... args) {
        BrokerFixture d = f;
        while (d instanceof ForwardingBrokerFixture w) d = w.delegate();
        if (!(d instanceof RabbitMqProcessBroker p)) return false;
        return p.ctl(java.time.Duration.ofSeconds(30), args) == 0;
    }

    private static BrokerFixture withForeignPublisher(BrokerFixture delegate) {
        return new ForwardingBrokerFixture(delegate) {
            @Override public Optional<ForeignPublisher> foreignPublisher() {
                return Optional.of((topic, key, payload, headers) -> publishForeign(this, topic, key, payload, headers));
            }
            /** docs/drivers/rabbitmq.md: {@code <group queue>@<delivery tag>}, the queue {@code topic|group[|i/n]}. */
            @Override public java.util.regex.Pattern positionFormat() {
                return java.util.regex.Pattern.compile("[^|@]+\\|[^|@]+(\\|\\d+/\\d+)?@\\d+");
            }
        };
    }

    /** A broker someone else runs. */
    private record External(String url) implements BrokerFixture {
        @Override public String name() { return "rabbitmq-external"; }
        @Override public void start() {}
        @Override public void close() {}
    }

    /** Testcontainers RabbitMQ (only when Docker answers). */
    private static final class Container implements BrokerFixture {
        private final RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.10-management");
        @Override public String name() { return "rabbitmq-container"; }
        @Override public void start() { container.start(); }
        @Override public String url() { return container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@"); }
        @Override public Map<String, String> options() { return Map.of("managementUrl", container.getHttpUrl()); }
        @Override public void close() { container.stop(); }
    }
}
