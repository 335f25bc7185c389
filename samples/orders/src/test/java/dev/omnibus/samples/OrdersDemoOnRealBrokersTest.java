package dev.omnibus.samples;

import dev.omnibus.MessagingConfig;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.fixtures.KafkaProcessBroker;
import dev.omnibus.conformance.fixtures.PulsarProcessBroker;
import dev.omnibus.conformance.fixtures.RabbitMqProcessBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same demo, unchanged, on each real broker: only the URL differs (what {@code OMNIBUS_URL} does
 * for {@code ./omnibus demo}). The brokers are the local processes the driver test suites use.
 */
class OrdersDemoOnRealBrokersTest {
    @ParameterizedTest(name = "demo on {0}")
    @ValueSource(strings = {"kafka", "pulsar", "rabbitmq"})
    void demoRunsUnchangedOnEveryBroker(String broker) throws Exception {
        try (BrokerFixture fixture = switch (broker) {
            case "kafka" -> new KafkaProcessBroker();
            case "pulsar" -> new PulsarProcessBroker();
            default -> new RabbitMqProcessBroker();
        }) {
            fixture.start();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int code = OrdersDemo.run(MessagingConfig.builder(fixture.url()).options(fixture.options()).build(),
                    new PrintStream(buf, true, StandardCharsets.UTF_8));
            String out = buf.toString(StandardCharsets.UTF_8);
            assertThat(code).as(out).isZero();
            assertThat(out).contains("fan-out: ok, dead letters: ok, redrive: ok, reply: ok",
                    "[redrive]     moved 2 dead letter(s)", "shipping 1 x PROD-777 for order 1004");
        }
    }
}
