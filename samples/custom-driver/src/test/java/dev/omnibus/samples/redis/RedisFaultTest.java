package dev.omnibus.samples.redis;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

/**
 * The kit's fault group. The machine's Redis is shared, so the fixture cannot kill or restart it and
 * the two broker-outage tests are skipped; a consumer process crashing mid-message (the group's lease
 * expires, the next reader takes its pending entries), back-pressure and poison messages do run.
 */
class RedisFaultTest extends MessagingFaultKit {
    @Override
    protected BrokerFixture createFixture() { return new RedisFixture(); }
}
