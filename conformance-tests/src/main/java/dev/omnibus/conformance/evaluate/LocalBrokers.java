package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;

import java.util.Map;
import java.util.UUID;

/**
 * The brokers {@code evaluate --local NAME} can start by itself: the same process fixtures the
 * driver test suites use (looked up by class name, so the kit does not depend on any broker).
 */
final class LocalBrokers {
    static final Map<String, String> FIXTURES = Map.of(
            "kafka", "dev.omnibus.conformance.fixtures.KafkaProcessBroker",
            "pulsar", "dev.omnibus.conformance.fixtures.PulsarProcessBroker",
            "rabbitmq", "dev.omnibus.conformance.fixtures.RabbitMqProcessBroker");

    private LocalBrokers() {}

    static BrokerFixture create(String name) {
        if (name.equals("memory")) return new ExternalBroker("memory://evaluate-" + UUID.randomUUID(), Map.of());
        String className = FIXTURES.get(name);
        if (className == null) {
            throw new IllegalArgumentException("Unknown local broker '" + name + "'; choose one of [kafka, pulsar, rabbitmq, memory]");
        }
        try {
            return (BrokerFixture) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create the local " + name + " broker fixture " + className + ": " + e, e);
        }
    }
}
