package dev.omnibus.samples.springboot;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The orders the service knows, their state, and the dead letters it saw (in memory: a sample). */
public class Orders {
    /** What POST /orders accepts. */
    public record PlaceOrder(String item, int quantity) {}
    /** The event published on {@value #PLACED}. */
    public record OrderPlaced(String id, String item, int quantity) {}
    /** What GET /orders/{id} returns. */
    public record OrderView(String id, String item, int quantity, String status) {}
    /** Request and reply of {@value #QUOTE}. */
    public record QuoteRequest(String id, String item, int quantity) {}
    public record Quote(String id, long cents, String currency) {}
    /** A dead letter as the audit listener saw it. */
    public record DeadLetter(String orderId, String error, String attempts) {}

    public static final String PLACED = "orders.placed";
    public static final String DEAD_LETTERS = "orders.placed.dlq";
    public static final String QUOTE = "orders.quote";

    private final Map<String, OrderView> orders = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    void placed(OrderPlaced o) { orders.put(o.id(), new OrderView(o.id(), o.item(), o.quantity(), "PLACED")); }
    void fulfilled(OrderPlaced o) { orders.put(o.id(), new OrderView(o.id(), o.item(), o.quantity(), "FULFILLED")); }
    void deadLettered(DeadLetter d) {
        deadLetters.add(d);
        orders.computeIfPresent(d.orderId(), (k, v) -> new OrderView(v.id(), v.item(), v.quantity(), "REJECTED"));
    }
    Optional<OrderView> find(String id) { return Optional.ofNullable(orders.get(id)); }
    List<DeadLetter> deadLetters() { return List.copyOf(deadLetters); }
}
