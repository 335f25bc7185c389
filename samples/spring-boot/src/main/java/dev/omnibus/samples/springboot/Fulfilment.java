package dev.omnibus.samples.springboot;

import dev.omnibus.DeadLetters;
import dev.omnibus.Delivery;
import dev.omnibus.samples.springboot.Orders.OrderPlaced;
import dev.omnibus.samples.springboot.Orders.Quote;
import dev.omnibus.samples.springboot.Orders.QuoteRequest;
import dev.omnibus.spring.boot.OmnibusListener;
import dev.omnibus.spring.boot.OmnibusResponder;
import org.springframework.stereotype.Component;

/** The messaging side: fulfils orders (poison is dead-lettered after 3 attempts), audits dead letters, prices quotes. */
@Component
public class Fulfilment {
    private final Orders orders;

    public Fulfilment(Orders orders) { this.orders = orders; }

    @OmnibusListener(topic = Orders.PLACED, group = "fulfilment", concurrency = 4, maxAttempts = 3, backoff = "50ms")
    public void fulfil(OrderPlaced order) {
        if (order.quantity() <= 0) throw new IllegalArgumentException("order " + order.id() + " has quantity " + order.quantity());
        orders.fulfilled(order);
    }

    @OmnibusListener(topic = Orders.DEAD_LETTERS, group = "dead-letter-audit", maxAttempts = 1, deadLetterEnabled = false)
    public void audit(OrderPlaced order, Delivery delivery) {
        orders.deadLettered(new Orders.DeadLetter(order.id(), delivery.message().extension(DeadLetters.ERROR_MESSAGE),
                delivery.message().extension(DeadLetters.ATTEMPTS)));
    }

    @OmnibusResponder(topic = Orders.QUOTE, group = "pricing")
    public Quote quote(QuoteRequest request) {
        long unit = request.item().length() * 100L;
        return new Quote(request.id(), unit * request.quantity(), "EUR");
    }
}
