package dev.omnibus.opentelemetry;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.KafkaProcessBroker;

/** {@link TracingScenarios} on a real Kafka broker (a local process started by the kit's fixture). */
class KafkaTracingTest extends TracingScenarios {
    @Override protected BrokerFixture newBroker() { return new KafkaProcessBroker(); }
    @Override protected String system() { return "kafka"; }
}
