package dev.omnibus.spring.boot;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link OrdersFlowContract} on {@code memory://}: no broker needed. */
class MemoryOrdersFlowTest extends OrdersFlowContract {
    static final String PREFIX = newPrefix();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("omnibus.url", () -> "memory://spring-boot-test");
        registry.add("test.prefix", () -> PREFIX);
    }
}
