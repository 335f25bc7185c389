package dev.omnibus.samples.redis;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

/**
 * The kit's fault group. The machine's Redis is shared, so the fixture cannot kill or restart it and
 * the two broker-outage tests are skipped; connections cut through the fixture's proxy, consumer
 * processes crashing before (the group's lease expires, the next reader takes its pending entries)
 * and after their ack, back-pressure and poison messages do run. The driver has no option for
 * shorter timeouts, so the frozen-connection test is skipped.
 */
class RedisFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() { return new RedisFixture(); }

    /** XPENDING of the group is empty: Redis has recorded every XACK. */
    @Override
    protected void awaitAcknowledgedAtBroker(String topic, String group) {
        RedisFixture redis = (RedisFixture) fixture();
        eventually().until(() -> redis.pending(topic, group) == 0);
    }
}
