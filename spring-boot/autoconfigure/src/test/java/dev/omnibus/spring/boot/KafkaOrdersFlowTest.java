package dev.omnibus.spring.boot;

import dev.omnibus.conformance.fixtures.KafkaProcessBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link OrdersFlowContract} on a local Kafka (KRaft) process started by the conformance kit's fixture,
 * or on {@code OMNIBUS_KAFKA_URL}: only {@code omnibus.url} differs from {@link MemoryOrdersFlowTest}.
 */
@DirtiesContext // closes the application after the class, before the broker stops at JVM exit
class KafkaOrdersFlowTest extends OrdersFlowContract {
    static final String PREFIX = newPrefix();

    private static KafkaProcessBroker broker;

    static synchronized String url() {
        String external = System.getenv("OMNIBUS_KAFKA_URL");
        if (external != null && !external.isBlank()) return external.startsWith("kafka://") ? external : "kafka://" + external;
        if (broker == null) {
            KafkaProcessBroker b = new KafkaProcessBroker();
            try {
                b.start();
            } catch (Exception e) {
                b.close();
                throw new IllegalStateException("Could not start the Kafka fixture (build brokers/kafka first)", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "kafka-fixture-close"));
            broker = b;
        }
        return broker.url();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("omnibus.url", KafkaOrdersFlowTest::url);
        registry.add("test.prefix", () -> PREFIX);
    }
}
