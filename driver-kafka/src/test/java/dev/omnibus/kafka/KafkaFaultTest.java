package dev.omnibus.kafka;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

/** The kit's fault group against the real Kafka broker (killed, stopped and restarted by the fixture). */
class KafkaFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() { return KafkaFixtures.shared(); }
}
