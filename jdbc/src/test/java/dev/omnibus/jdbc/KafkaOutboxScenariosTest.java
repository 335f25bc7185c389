package dev.omnibus.jdbc;

import dev.omnibus.conformance.fixtures.KafkaProcessBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link OutboxScenarios} on a real Kafka broker: the KRaft process the Kafka driver's own tests use,
 * started once for this class (unless {@code OMNIBUS_KAFKA_URL} names an external one).
 */
class KafkaOutboxScenariosTest extends OutboxScenarios {
    private static KafkaProcessBroker local;
    private static String url;

    @BeforeAll
    static void startBroker() throws Exception {
        assumeTrue(Brokers.driverPresent("kafka"), "omnibus-driver-kafka (scheme kafka) is not on the test class path");
        url = System.getenv("OMNIBUS_KAFKA_URL");
        if (url == null || url.isBlank()) {
            assumeTrue(KafkaProcessBroker.classpathAvailable(), "brokers/kafka has not written its broker class path");
            local = new KafkaProcessBroker();
            local.start();
            url = local.url();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (local != null) local.close();
    }

    @Override String brokerUrl() { return url; }

    @Override boolean brokerCountsRedeliveries() { return false; }
}
