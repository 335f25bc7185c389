package dev.omnibus.nats;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;
import io.nats.client.api.ConsumerInfo;

import java.util.Map;

/**
 * The kit's fault group against a real nats-server process: SIGKILL and restart with file storage, graceful
 * stop (SIGTERM), client connections cut and frozen through the fixture's TcpProxy, consumer processes crashing
 * before and after their ack, back-pressure and poison messages.
 */
class NatsFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() { return NatsFixtures.shared(); }

    /** Publish acknowledgements time out after 3 s; pings every second detect a silent connection after two misses. */
    @Override
    protected Map<String, String> fastFailureOptions() {
        return Map.of("publishTimeout", "3s", "nats.pingInterval", "1s", "nats.maxPingsOut", "2", "connectTimeout", "2s");
    }

    /** JetStream's own view of the group's durable consumer: nothing waiting for an ack, nothing left to deliver. */
    @Override
    protected void awaitAcknowledgedAtBroker(String topic, String group) {
        eventually().until(() -> {
            ConsumerInfo info = NatsFixtures.consumer(fixture(), topic, group);
            return info.getNumAckPending() == 0 && info.getNumPending() == 0;
        });
    }
}
