package dev.omnibus.nats;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The conformance kit against a real nats-server with JetStream (file storage, one replica). */
class NatsConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return NatsFixtures.shared(); }

    /** The driver runs handlers on the subscription's puller thread when asked. */
    @Override protected Boolean offersDeliveryThread() { return true; }
}
