package dev.omnibus.rabbitmq;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The conformance kit against a real RabbitMQ (default configuration: quorum queues, 4 shards). */
class RabbitMqConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return RabbitMqBroker.unstarted(); }
}
