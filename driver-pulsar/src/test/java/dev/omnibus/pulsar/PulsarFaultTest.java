package dev.omnibus.pulsar;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

/** The kit's fault group against the real Pulsar broker (killed, stopped and restarted by the fixture). */
class PulsarFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() { return PulsarFixtures.shared(); }
}
