package dev.omnibus.nats;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The conformance kit against a real nats-server with JetStream (file storage, one replica). */
class NatsConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return NatsFixtures.shared(); }
}
