package dev.omnibus.jdbc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link OutboxScenarios} on the in-process broker (driver-memory), a fresh broker per test. */
class MemoryOutboxScenariosTest extends OutboxScenarios {
    private String url;

    @BeforeAll
    static void driverPresent() {
        assumeTrue(Brokers.driverPresent("memory"), "omnibus-driver-memory is not on the test class path");
    }

    @BeforeEach
    void freshBroker() { url = Brokers.memoryUrl(); }

    @Override String brokerUrl() { return url; }
}
