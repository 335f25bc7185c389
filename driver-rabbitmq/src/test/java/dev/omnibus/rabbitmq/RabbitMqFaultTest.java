package dev.omnibus.rabbitmq;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The kit's fault group against a real RabbitMQ node, with CLASSIC queues: on a single RabbitMQ
 * 3.10.8 node a quorum queue that had a consumer when the broker was SIGKILLed stops serving
 * consumers after the restart (docs/drivers/rabbitmq.md, docs/reliability.md), so the default
 * (quorum) configuration cannot pass the broker-kill test there.
 */
class RabbitMqFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() {
        BrokerFixture node = RabbitMqFixtures.choose();
        return new BrokerFixture() {
            @Override public String name() { return node.name() + "-classic"; }
            @Override public void start() throws Exception { node.start(); }
            @Override public String url() { return node.url(); }
            @Override public Map<String, String> options() {
                Map<String, String> o = new LinkedHashMap<>(node.options());
                o.put("queueType", "classic");
                return o;
            }
            @Override public boolean supportsRestart() { return node.supportsRestart(); }
            @Override public void kill() { node.kill(); }
            @Override public void stop() { node.stop(); }
            @Override public void restart() { node.restart(); }
            @Override public Optional<ForeignPublisher> foreignPublisher() { return node.foreignPublisher(); }
            @Override public void close() { node.close(); }
        };
    }
}
