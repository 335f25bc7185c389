package dev.omnibus.spring.boot;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link OrdersFlowContract} on the machine's RabbitMQ ({@code OMNIBUS_RABBITMQ_URL} names another one):
 * only {@code omnibus.url} differs from {@link MemoryOrdersFlowTest}.
 */
@DirtiesContext // closes the application after the class instead of at JVM exit
class RabbitMqOrdersFlowTest extends OrdersFlowContract {
    static final String PREFIX = newPrefix();

    static String url() {
        String url = System.getenv("OMNIBUS_RABBITMQ_URL");
        return url == null || url.isBlank() ? "amqp://guest:guest@127.0.0.1:5672/" : url;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("omnibus.url", RabbitMqOrdersFlowTest::url);
        registry.add("test.prefix", () -> PREFIX);
    }
}
