package dev.omnibus.schema;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.KafkaProcessBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The schema evolution scenarios on a real Kafka (KRaft process fixture), started once for this class. */
class KafkaSchemaEvolutionTest extends SchemaEvolutionScenarios {
    private static BrokerFixture broker;

    @BeforeAll static void start() throws Exception {
        broker = started(new KafkaProcessBroker(), KafkaProcessBroker.classpathAvailable(), "brokers/kafka has not written its broker class path");
    }

    @AfterAll static void stop() { close(broker); }

    @Override BrokerFixture broker() { return broker; }
}
