package dev.omnibus.opentelemetry;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.RabbitMqProcessBroker;

/** {@link TracingScenarios} on a real RabbitMq broker (a local process started by the kit's fixture). */
class RabbitMqTracingTest extends TracingScenarios {
    @Override protected BrokerFixture newBroker() { return new RabbitMqProcessBroker(); }
    @Override protected String system() { return "rabbitmq"; }
}
