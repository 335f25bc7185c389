package dev.omnibus.rabbitmq;

import dev.omnibus.conformance.BrokerFixture;

/** One broker per test JVM, shared by the kit and the driver tests (one node at a time on the machine). */
final class RabbitMqBroker {
    private static BrokerFixture shared;

    private RabbitMqBroker() {}

    /** The shared fixture, not necessarily started (the kit starts it; start() is idempotent). */
    static synchronized BrokerFixture unstarted() {
        if (shared == null) {
            shared = RabbitMqFixtures.choose();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "omnibus-rabbitmq-close"));
        }
        return shared;
    }

    /** The shared fixture, started. */
    static synchronized BrokerFixture get() {
        BrokerFixture f = unstarted();
        try {
            f.start();
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ fixture " + f.name() + " did not start: " + e.getMessage(), e);
        }
        return f;
    }
}
