package dev.omnibus.schema;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.PulsarProcessBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The schema evolution scenarios on a real Pulsar standalone (process fixture), started once for this class. */
class PulsarSchemaEvolutionTest extends SchemaEvolutionScenarios {
    private static BrokerFixture broker;

    @BeforeAll static void start() throws Exception {
        broker = started(new PulsarProcessBroker(), PulsarProcessBroker.available(), "brokers/pulsar has not written its broker class path");
    }

    @AfterAll static void stop() { close(broker); }

    @Override BrokerFixture broker() { return broker; }
}
