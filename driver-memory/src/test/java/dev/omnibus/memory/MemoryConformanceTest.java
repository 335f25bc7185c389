package dev.omnibus.memory;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.UUID;

/** The conformance kit against the in-memory driver. */
class MemoryConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() {
        String name = "kit-" + UUID.randomUUID();
        return new BrokerFixture() {
            @Override public String name() { return "memory"; }
            @Override public void start() {}
            @Override public String url() { return "memory://" + name; }
            @Override public Optional<ForeignPublisher> foreignPublisher() {
                return Optional.of((topic, key, payload, headers) -> MemoryBrokers.publishForeign(name, topic, key, payload, headers));
            }
            @Override public Pattern positionFormat() { return Pattern.compile("[^@]+@\\d+"); } // topic@offset
            @Override public void close() { MemoryBrokers.reset(name); }
        };
    }
}
