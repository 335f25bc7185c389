package dev.omnibus.micrometer;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.PulsarProcessBroker;

/** {@link MetricsScenarios} on a real Pulsar broker (a local process started by the kit's fixture). */
class PulsarMetricsTest extends MetricsScenarios {
    @Override protected BrokerFixture newBroker() { return new PulsarProcessBroker(); }
    @Override protected String system() { return "pulsar"; }
}
