package dev.omnibus.pulsar;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The conformance kit against a real Pulsar broker (see {@link PulsarFixtures} for which one). */
class PulsarConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return PulsarFixtures.shared(); }
}
