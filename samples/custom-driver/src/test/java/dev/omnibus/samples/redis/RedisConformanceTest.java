package dev.omnibus.samples.redis;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The whole conformance kit against the Redis Streams sample driver. */
class RedisConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() { return new RedisFixture(); }
}
