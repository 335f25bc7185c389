package dev.omnibus.kafka;

import dev.omnibus.conformance.BrokerFixture;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Third fixture choice: Kafka in a container, only when a Docker engine answers. */
final class TestcontainersKafka implements BrokerFixture {
    private KafkaContainer container;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    @Override public String name() { return "kafka-testcontainers"; }

    @Override
    public synchronized void start() {
        if (container != null) return;
        container = new KafkaContainer("apache/kafka:4.1.1");
        container.start();
    }

    @Override public String url() { return "kafka://" + container.getBootstrapServers(); }

    @Override
    public synchronized void close() {
        if (container != null) container.stop();
        container = null;
    }
}
