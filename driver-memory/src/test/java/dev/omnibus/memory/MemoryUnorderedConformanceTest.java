package dev.omnibus.memory;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.UUID;

/**
 * The kit against the memory driver configured NOT to order by key: proves the kit's gating — the
 * ordering group checks the fail-fast, every other group still runs and passes.
 */
class MemoryUnorderedConformanceTest extends MessagingConformanceKit {
    @Override
    protected BrokerFixture createFixture() {
        String name = "kit-unordered-" + UUID.randomUUID();
        return new BrokerFixture() {
            @Override public String name() { return "memory-unordered"; }
            @Override public void start() {}
            @Override public String url() { return "memory://" + name; }
            @Override public Map<String, String> options() { return Map.of("perKeyOrdering", "false"); }
            @Override public Optional<ForeignPublisher> foreignPublisher() {
                return Optional.of((topic, key, payload, headers) -> MemoryBrokers.publishForeign(name, topic, key, payload, headers));
            }
            @Override public Pattern positionFormat() { return Pattern.compile("[^@]+@\\d+"); } // topic@offset
            @Override public void close() { MemoryBrokers.reset(name); }
        };
    }
}
