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
            "rabbitmq", "dev.omnibus.conformance.fixtures.RabbitMqProcessBroker",
            "nats", "dev.omnibus.conformance.fixtures.NatsProcessBroker");

    private LocalBrokers() {}

    /** The embedded broker, with its hook for foreign bytes (found reflectively: the kit does not depend on drivers). */
    private static BrokerFixture memory() {
        String broker = "evaluate-" + UUID.randomUUID();
        return new BrokerFixture() {
            @Override public String name() { return "memory"; }
            @Override public void start() {}
            @Override public String url() { return "memory://" + broker; }
            @Override public java.util.Optional<ForeignPublisher> foreignPublisher() {
                return java.util.Optional.of((topic, key, payload, headers) -> Class.forName("dev.omnibus.memory.MemoryBrokers")
                        .getMethod("publishForeign", String.class, String.class, String.class, byte[].class, Map.class)
                        .invoke(null, broker, topic, key, payload, headers));
            }
            @Override public void close() {}
        };
    }

    static BrokerFixture create(String name) { return create(name, false); }

    /**
     * With {@code proxied}, a process fixture that can route its clients through a TcpProxy does so
     * (its {@code routeClientsThroughProxy()}), so the fault group's connection-cut test runs too.
     */
    static BrokerFixture create(String name, boolean proxied) {
        if (name.equals("memory")) return memory();
        String className = FIXTURES.get(name);
        if (className == null) {
            throw new IllegalArgumentException("Unknown local broker '" + name + "'; choose one of [kafka, pulsar, rabbitmq, nats, memory]");
        }
        try {
            Class<?> type = Class.forName(className);
            BrokerFixture fixture = (BrokerFixture) type.getDeclaredConstructor().newInstance();
            if (proxied) {
                try {
                    type.getMethod("routeClientsThroughProxy").invoke(fixture);
                } catch (NoSuchMethodException notOffered) {
                    // this fixture cannot put a proxy in front of its broker: the cut test is skipped
                }
            }
            return fixture;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create the local " + name + " broker fixture " + className + ": " + e, e);
        }
    }
}
