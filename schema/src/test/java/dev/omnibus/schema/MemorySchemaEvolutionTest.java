package dev.omnibus.schema;

import dev.omnibus.conformance.BrokerFixture;

import java.util.UUID;

/** The schema evolution scenarios on the in-process memory broker. */
class MemorySchemaEvolutionTest extends SchemaEvolutionScenarios {
    private final String url = "memory://schema-" + UUID.randomUUID();

    @Override BrokerFixture broker() {
        return new BrokerFixture() {
            @Override public String name() { return "memory"; }
            @Override public void start() { }
            @Override public String url() { return url; }
            @Override public void close() { }
        };
    }
}
