package dev.omnibus.kafka;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.conformance.faults.TcpProxy;
import dev.omnibus.conformance.fixtures.KafkaProcessBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Chooses the Kafka broker for this module's tests: {@code OMNIBUS_KAFKA_URL} (external), else a local
 * KRaft process ({@link KafkaProcessBroker}, its clients routed through a {@link TcpProxy}), else
 * Testcontainers when a Docker engine answers. One broker per test JVM, shared by every test class (closed at
 * JVM exit), so only one broker runs at a time.
 */
public final class KafkaFixtures {
    private static Shared shared;

    private KafkaFixtures() {}

    /** The shared, started broker. */
    public static synchronized Shared shared() {
        if (shared == null) {
            BrokerFixture chosen = choose();
            Shared s = new Shared(chosen);
            try {
                s.start();
            } catch (Exception e) {
                chosen.close();
                throw new IllegalStateException("Could not start " + chosen.name(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(chosen::close, "kafka-fixture-close"));
            shared = s;
        }
        return shared;
    }

    static BrokerFixture choose() {
        String external = System.getenv("OMNIBUS_KAFKA_URL");
        if (external != null && !external.isBlank()) return new External(external.trim());
        if (KafkaProcessBroker.classpathAvailable() || !TestcontainersKafka.dockerAvailable()) {
            // clients go through a TCP proxy so the fault kit can cut and freeze connections;
            // without its classpath file, start() explains how to build it
            return new KafkaProcessBroker().routeClientsThroughProxy();
        }
        return new TestcontainersKafka();
    }

    /** An already running broker named by {@code OMNIBUS_KAFKA_URL}. */
    static final class External implements BrokerFixture {
        private final String url;
        External(String url) { this.url = url.startsWith("kafka://") ? url : "kafka://" + url; }
        @Override public String name() { return "kafka-external"; }
        @Override public void start() { }
        @Override public String url() { return url; }
        @Override public void close() { }
    }

    /**
     * The chosen broker (every other method, {@link #clientProxy()} included, forwarded to it), plus what
     * needs kafka-clients: a real-client readiness check, which also checks that a proxied broker points
     * clients at its proxy, and a foreign (non-Omnibus) publisher. {@link #close()} does nothing: the
     * broker lives until the JVM exits.
     */
    public static final class Shared extends ForwardingBrokerFixture {
        /** docs/drivers/kafka.md: {@code <partition>@<offset>}. */
        @Override public java.util.regex.Pattern positionFormat() { return java.util.regex.Pattern.compile("\\d+@\\d+"); }
        Shared(BrokerFixture delegate) { super(delegate); }

        @Override public void start() throws Exception { super.start(); awaitClientReady(); }
        @Override public void restart() { super.restart(); awaitClientReady(); }
        @Override public void close() { /* shared for the whole test JVM */ }

        /** {@code host:port,...} for native clients. */
        public String bootstrapServers() {
            String u = url();
            String rest = u.substring(u.indexOf("://") + 3);
            int q = rest.indexOf('?');
            return q < 0 ? rest : rest.substring(0, q);
        }

        public Admin admin() {
            return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }

        /** Creates a topic (the process broker does not auto-create), ignoring "exists". */
        public void createTopic(String topic, int partitions) {
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())
                        .configs(Map.of("max.message.bytes", Integer.toString(8 * 1024 * 1024))))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private void awaitClientReady() {
            try (Admin admin = admin()) {
                Awaitility.await("Kafka answers describeCluster").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
                Optional<TcpProxy> proxy = clientProxy();
                if (proxy.isPresent()) {
                    // metadata must point clients back at the proxy, or cut/freeze tests would miss connections
                    Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                    if (!nodes.stream().allMatch(n -> n.port() == proxy.get().port())) {
                        throw new IllegalStateException(name() + " advertises " + nodes + " to clients, not the "
                                + "proxy port " + proxy.get().port() + ": check its EXTERNAL advertised listener");
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("describeCluster failed on " + name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<ForeignPublisher> foreignPublisher() {
            return Optional.of((topic, key, payload, headers) -> {
                createTopic(topic, 8);
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key == null ? null
                            : key.getBytes(StandardCharsets.UTF_8), payload);
                    headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                    p.send(r).get(30, TimeUnit.SECONDS);
                }
            });
        }
    }
}
