package dev.omnibus.spring.boot;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On the machine's real RabbitMQ: an application is closed while its listener has handlers in flight and
 * messages waiting; a second instance of the application in the same group then takes over. Every message
 * is handled exactly once across the two: the closing instance drained (finished and acknowledged) what
 * it had started, and gave back what it had not.
 */
class GracefulShutdownTest {
    static final int MESSAGES = 300;
    static final String TOPIC = OrdersFlowContract.newPrefix() + ".shutdown";

    /** Handled counts per message id, shared by both application instances. */
    static final Map<String, AtomicInteger> HANDLED = new ConcurrentHashMap<>();
    static final AtomicInteger STARTED = new AtomicInteger();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class SlowWorkerApp {
        @Bean Worker worker() { return new Worker(); }
    }

    static class Worker {
        @OmnibusListener(topic = "${test.topic}", group = "workers", concurrency = 4, maxInFlight = 16)
        void work(Delivery delivery) throws InterruptedException {
            STARTED.incrementAndGet();
            Thread.sleep(20); // simulated work, so that handlers are mid-flight when the application closes
            HANDLED.computeIfAbsent(delivery.id(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static ConfigurableApplicationContext startApp() {
        return new SpringApplicationBuilder(SlowWorkerApp.class).web(WebApplicationType.NONE)
                .properties("omnibus.url=" + RabbitMqOrdersFlowTest.url(), "test.topic=" + TOPIC,
                        "omnibus.listener.drain-timeout=20s")
                .run();
    }

    @Test
    void noMessageIsLostOrHandledTwiceAcrossAGracefulShutdown() {
        ConfigurableApplicationContext first = startApp();
        Messaging bus = first.getBean(Messaging.class);
        CompletableFuture<?>[] sent = new CompletableFuture<?>[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
            sent[i] = bus.publish(TOPIC, Message.of("test.Work", i).withKey("k" + (i % 16)));
        }
        CompletableFuture.allOf(sent).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> HANDLED.size() >= 40);

        first.close(); // stops the listener (drains), then closes the Messaging bean
        int afterFirst = HANDLED.size();
        assertThat(afterFirst).as("the first instance stopped before handling everything").isLessThan(MESSAGES);
        assertThat(STARTED.get()).as("every handler the first instance started was finished").isEqualTo(afterFirst);

        try (ConfigurableApplicationContext second = startApp()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> HANDLED.size() == MESSAGES);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> HANDLED.size() == MESSAGES);
        }
        assertThat(HANDLED.values()).as("handled exactly once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
    }
}
