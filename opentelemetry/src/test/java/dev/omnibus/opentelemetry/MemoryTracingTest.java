package dev.omnibus.opentelemetry;

import dev.omnibus.conformance.BrokerFixture;

/** {@link TracingScenarios} on the in-memory driver. */
class MemoryTracingTest extends TracingScenarios {
    @Override protected BrokerFixture newBroker() { return null; }
    @Override protected String system() { return "memory"; }
}
