package dev.omnibus.kafka;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The conformance kit against a real Kafka broker (see {@link KafkaFixtures} for which one). */
class KafkaConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return KafkaFixtures.shared(); }
}
