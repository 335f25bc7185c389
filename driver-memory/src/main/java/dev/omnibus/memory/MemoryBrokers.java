package dev.omnibus.memory;

import dev.omnibus.memory.internal.MemoryBroker;

import java.util.Map;

/**
 * Test hooks on the in-process brokers: inject foreign (non-envelope) messages, forget a broker.
 */
public final class MemoryBrokers {
    private MemoryBrokers() {}

    /** Appends bytes that are not an Omnibus envelope, as a foreign producer would. */
    public static void publishForeign(String brokerName, String topic, String key, byte[] payload, Map<String, String> headers) {
        MemoryBroker.named(brokerName).publishRaw(topic, key, payload, headers);
    }

    /** Drops every topic and group of the named broker (open connections keep working on a fresh broker). */
    public static void reset(String brokerName) { MemoryBroker.reset(brokerName); }
}
