package dev.omnibus.samples.springboot;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.samples.springboot.Orders.OrderPlaced;
import dev.omnibus.samples.springboot.Orders.OrderView;
import dev.omnibus.samples.springboot.Orders.PlaceOrder;
import dev.omnibus.samples.springboot.Orders.Quote;
import dev.omnibus.samples.springboot.Orders.QuoteRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** HTTP side: placing an order publishes it; a quote is a request/reply to the pricing responder. */
@RestController
public class OrdersController {
    private final Messaging messaging;
    private final Orders orders;

    public OrdersController(Messaging messaging, Orders orders) {
        this.messaging = messaging;
        this.orders = orders;
    }

    @PostMapping("/orders")
    public ResponseEntity<OrderView> place(@RequestBody PlaceOrder order) {
        OrderPlaced event = new OrderPlaced(UUID.randomUUID().toString(), order.item(), order.quantity());
        orders.placed(event);
        // waits for the broker's acknowledgement: 202 means the order is durably on its way
        messaging.publish(Orders.PLACED, Message.of("com.example.orders.OrderPlaced", event).withKey(event.id())).join();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(orders.find(event.id()).orElseThrow());
    }

    @GetMapping("/orders/{id}")
    public ResponseEntity<OrderView> get(@PathVariable String id) {
        return ResponseEntity.of(orders.find(id));
    }

    @GetMapping("/orders/{id}/quote")
    public ResponseEntity<Quote> quote(@PathVariable String id) {
        return orders.find(id).map(o -> {
            Message reply = messaging.request(Orders.QUOTE,
                    Message.of("com.example.orders.QuoteRequest", new QuoteRequest(o.id(), o.item(), o.quantity())),
                    Duration.ofSeconds(10)).join();
            return ResponseEntity.ok(reply.data(Quote.class));
        }).orElse(ResponseEntity.notFound().build());
    }

    @GetMapping("/orders/dead-letters")
    public List<Orders.DeadLetter> deadLetters() { return orders.deadLetters(); }
}
