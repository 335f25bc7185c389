package dev.omnibus.micrometer;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.KafkaProcessBroker;

/** {@link MetricsScenarios} on a real Kafka broker (a local process started by the kit's fixture). */
class KafkaMetricsTest extends MetricsScenarios {
    @Override protected BrokerFixture newBroker() { return new KafkaProcessBroker(); }
    @Override protected String system() { return "kafka"; }
}
