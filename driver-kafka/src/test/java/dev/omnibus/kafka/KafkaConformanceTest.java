package dev.omnibus.kafka;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The conformance kit against a real Kafka broker (see {@link KafkaFixtures} for which one). */
class KafkaConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return KafkaFixtures.shared(); }

    /** The driver runs handlers on the subscription's poll thread when asked. */
    @Override protected Boolean offersDeliveryThread() { return true; }
}
