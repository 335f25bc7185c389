package dev.omnibus.jdbc;

import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link OutboxScenarios} on the machine's shared RabbitMQ ({@code amqp://guest:guest@127.0.0.1:5672/} or
 * {@code OMNIBUS_RABBITMQ_URL}). Runs when omnibus-driver-rabbitmq registers the {@code amqp} scheme and
 * the broker answers; otherwise skipped with the reason. Topics are unique per test; afterwards the
 * test's queues and exchanges are deleted with {@code rabbitmqctl eval} when that tool works here
 * (best effort: the broker is shared, nothing else is touched).
 */
class RabbitMqOutboxScenariosTest extends OutboxScenarios {
    @BeforeAll
    static void brokerPresent() {
        assumeTrue(Brokers.driverPresent("amqp"), "omnibus-driver-rabbitmq (scheme amqp) is not on the test class path yet");
        java.net.URI u = java.net.URI.create(Brokers.RABBITMQ_URL);
        assumeTrue(Brokers.reachable(u.getHost(), u.getPort() < 0 ? 5672 : u.getPort()), "no RabbitMQ at " + u.getHost());
    }

    @Override String brokerUrl() { return Brokers.RABBITMQ_URL; }

    @Override
    void cleanUpBroker(String topic) {
        if (!topic.matches("[a-z0-9.]+")) return;
        String prefix = "<<\"" + topic + "\">>";
        String n = Integer.toString(topic.length());
        String erl = "Match = fun(Name) -> binary:match(Name, " + prefix + ") =:= {0, " + n + "} end,"
                + " Qs = [rabbit_amqqueue:delete(Q, false, false, <<\"omnibus-jdbc-test\">>) || Q <- rabbit_amqqueue:list(),"
                + " Match(element(4, amqqueue:get_name(Q)))],"
                + " Xs = [rabbit_exchange:delete(element(2, X), false, <<\"omnibus-jdbc-test\">>) || X <- rabbit_exchange:list(),"
                + " Match(element(4, element(2, X)))], {length(Qs), length(Xs)}.";
        try {
            Process p = new ProcessBuilder("rabbitmqctl", "eval", erl).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            // no rabbitmqctl here: leave the (empty) queues
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
