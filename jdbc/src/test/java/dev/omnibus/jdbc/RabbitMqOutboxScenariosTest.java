package dev.omnibus.jdbc;

import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link OutboxScenarios} on the machine's shared RabbitMQ ({@code amqp://guest:guest@127.0.0.1:5672/} or
 * {@code OMNIBUS_RABBITMQ_URL}). Runs when omnibus-driver-rabbitmq registers the {@code amqp} scheme and
 * the broker answers; otherwise skipped with the reason. Topics are unique per test.
 */
class RabbitMqOutboxScenariosTest extends OutboxScenarios {
    @BeforeAll
    static void brokerPresent() {
        assumeTrue(Brokers.driverPresent("amqp"), "omnibus-driver-rabbitmq (scheme amqp) is not on the test class path yet");
        java.net.URI u = java.net.URI.create(Brokers.RABBITMQ_URL);
        assumeTrue(Brokers.reachable(u.getHost(), u.getPort() < 0 ? 5672 : u.getPort()), "no RabbitMQ at " + u.getHost());
    }

    @Override String brokerUrl() { return Brokers.RABBITMQ_URL; }
}
