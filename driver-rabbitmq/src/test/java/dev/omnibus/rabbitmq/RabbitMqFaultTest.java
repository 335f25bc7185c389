package dev.omnibus.rabbitmq;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kit's fault group against a real RabbitMQ node (clients through the fixture's proxy), with CLASSIC queues: on a single RabbitMQ
 * 3.10.8 node a quorum queue that had a consumer when the broker was SIGKILLed stops serving
 * consumers after the restart (docs/drivers/rabbitmq.md, docs/reliability.md), so the default
 * (quorum) configuration cannot pass the broker-kill test there.
 */
class RabbitMqFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() {
        return new ForwardingBrokerFixture(RabbitMqFixtures.choose(true)) {
            @Override public String name() { return super.name() + "-classic"; }
            @Override public Map<String, String> options() {
                Map<String, String> o = new LinkedHashMap<>(super.options());
                o.put("queueType", "classic");
                return o;
            }
        };
    }

    /** Confirms time out after 3 s and heartbeats every 2 s detect a silent connection (defaults 30 s and 60 s). */
    @Override
    protected Map<String, String> fastFailureOptions() {
        return Map.of("confirmTimeout", "3s", "rabbitmq.requestedHeartbeat", "2", "connectTimeout", "3s");
    }

    /**
     * AMQP 0-9-1 has no confirmation of a consumer's ack, and queue depth over AMQP counts only ready
     * messages. The driver writes {@code basic.ack} to the socket before {@code Inbound.ack()} returns
     * (the crashing consumer reports {@code ACKED} only after that), and the test crashes the consumer
     * later, so the frame has left the process; whether the broker applied it is exactly what the test
     * then checks by asking the next consumer.
     */
    @Override
    protected void awaitAcknowledgedAtBroker(String topic, String group) { }
}
