package dev.omnibus.micrometer;

import dev.omnibus.conformance.BrokerFixture;

/** {@link MetricsScenarios} on the in-memory driver. */
class MemoryMetricsTest extends MetricsScenarios {
    @Override protected BrokerFixture newBroker() { return null; }
    @Override protected String system() { return "memory"; }
}
