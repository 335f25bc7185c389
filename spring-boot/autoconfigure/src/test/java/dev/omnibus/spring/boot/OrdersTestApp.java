package dev.omnibus.spring.boot;

import dev.omnibus.Delivery;
import dev.omnibus.DeadLetters;
import dev.omnibus.idempotency.IdempotencyStore;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The application the starter's Spring Boot tests run: a listener, a dead-letter listener, a responder and an observer bean. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class OrdersTestApp {

    public record Order(String id, int quantity) {}
    public record QuoteRequest(String id, int quantity) {}
    public record Quote(String id, long cents) {}

    /** Fulfils orders; an order with quantity < 0 is poison and always fails. */
    public static class Fulfilment {
        final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        final Map<String, String> deadLetters = new ConcurrentHashMap<>();

        @OmnibusListener(topic = "${test.prefix}.orders", group = "fulfilment", concurrency = 2, maxAttempts = 2,
                backoff = "10ms", idempotencyStore = "orderIdempotency")
        void fulfil(Order order, Delivery delivery) {
            if (order.quantity() < 0) throw new IllegalArgumentException("negative quantity in order " + order.id());
            handled.computeIfAbsent(order.id(), k -> new AtomicInteger()).incrementAndGet();
        }

        @OmnibusListener(topic = "${test.prefix}.orders.dlq", group = "dead-letters", maxAttempts = 1, deadLetterEnabled = false)
        void deadLetter(Order order, Delivery delivery) {
            deadLetters.put(order.id(), String.valueOf(delivery.message().extension(DeadLetters.ERROR_MESSAGE)));
        }

        @OmnibusResponder(topic = "${test.prefix}.quotes", group = "pricing")
        Quote quote(QuoteRequest request) {
            return new Quote(request.id(), 250L * request.quantity());
        }
    }

    /** Counts handler attempts: what a Micrometer or OpenTelemetry observer bean would see. */
    public static class CountingObserver implements MessagingObserver {
        final AtomicLong attempts = new AtomicLong();
        @Override public ProcessObservation process(ProcessContext process) {
            attempts.incrementAndGet();
            return ProcessObservation.NOOP;
        }
    }

    @Bean Fulfilment fulfilment() { return new Fulfilment(); }
    @Bean CountingObserver countingObserver() { return new CountingObserver(); }
    @Bean IdempotencyStore orderIdempotency() { return new InMemoryIdempotencyStore(); }
}
