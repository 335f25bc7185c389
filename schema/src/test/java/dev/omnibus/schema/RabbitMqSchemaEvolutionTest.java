package dev.omnibus.schema;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.RabbitMqProcessBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The schema evolution scenarios on an isolated RabbitMQ node of the machine's rabbitmq-server, started once for this class. */
class RabbitMqSchemaEvolutionTest extends SchemaEvolutionScenarios {
    private static BrokerFixture broker;

    @BeforeAll static void start() throws Exception {
        broker = started(new RabbitMqProcessBroker(), RabbitMqProcessBroker.isInstalled(), "rabbitmq-server is not installed");
    }

    @AfterAll static void stop() { close(broker); }

    @Override BrokerFixture broker() { return broker; }
}
