package dev.omnibus.micrometer;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.RabbitMqProcessBroker;

/** {@link MetricsScenarios} on a real RabbitMq broker (a local process started by the kit's fixture). */
class RabbitMqMetricsTest extends MetricsScenarios {
    @Override protected BrokerFixture newBroker() { return new RabbitMqProcessBroker(); }
    @Override protected String system() { return "rabbitmq"; }
}
