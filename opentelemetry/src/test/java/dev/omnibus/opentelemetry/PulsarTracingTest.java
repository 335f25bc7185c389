package dev.omnibus.opentelemetry;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.PulsarProcessBroker;

/** {@link TracingScenarios} on a real Pulsar broker (a local process started by the kit's fixture). */
class PulsarTracingTest extends TracingScenarios {
    @Override protected BrokerFixture newBroker() { return new PulsarProcessBroker(); }
    @Override protected String system() { return "pulsar"; }
}
