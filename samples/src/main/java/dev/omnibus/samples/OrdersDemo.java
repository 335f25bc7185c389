package dev.omnibus.samples;

import dev.omnibus.DeadLetterException;
import dev.omnibus.DeadLetters;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The seed scenario, end to end, on whatever broker {@code OMNIBUS_URL} names (the embedded
 * {@code memory://} broker by default): an order service publishes {@code OrderPlaced}; email,
 * fulfillment and analytics (three consumer groups) each react to every order; one poison order is
 * retried, then dead-lettered; a price quote goes through request/reply.
 */
public final class OrdersDemo {
    static final String ORDERS = "orders.placed";
    static final String PRICING = "pricing.quote";

    private OrdersDemo() {}

    public static void main(String[] args) throws Exception {
        MessagingConfig config = MessagingConfig.fromEnvironment();
        int code = run(config, System.out);
        System.exit(code);
    }

    /** Runs the scenario; returns 0 when every step was observed. */
    static int run(MessagingConfig config, PrintStream out) throws InterruptedException {
        List<OrderPlaced> orders = List.of(
                new OrderPlaced("1001", "cust-903", "PROD-441", 2, new BigDecimal("99.98")),
                new OrderPlaced("1002", "cust-117", "PROD-109", 1, new BigDecimal("42.02")),
                new OrderPlaced("1003", "cust-903", "PROD-441", 5, new BigDecimal("249.95")),
                new OrderPlaced("6666", "cust-000", "PROD-???", -1, BigDecimal.ZERO)); // the poison order
        int good = orders.size() - 1;
        CountDownLatch emails = new CountDownLatch(good + 1); // every order, the poison too
        CountDownLatch shipped = new CountDownLatch(good);
        CountDownLatch analysed = new CountDownLatch(good + 1);
        CountDownLatch deadLettered = new CountDownLatch(1);

        out.println("Omnibus demo on " + config.redactedUrl());
        try (Messaging bus = Messaging.connect(config)) {
            out.println("driver: " + bus.driverName() + ", capabilities: " + new java.util.TreeSet<>(bus.capabilities()));

            bus.subscribe(ORDERS, SubscribeOptions.group("email"), d -> {
                OrderPlaced o = d.data(OrderPlaced.class);
                out.printf("  [email]       confirmation mail for order %s to %s%n", o.orderId(), o.customerId());
                emails.countDown();
            });
            bus.subscribe(ORDERS, SubscribeOptions.group("fulfillment").concurrency(4)
                    .retry(RetryPolicy.exponential(3, Duration.ofMillis(100)))
                    .idempotency(new InMemoryIdempotencyStore()), d -> {
                OrderPlaced o = d.data(OrderPlaced.class);
                if (o.quantity() <= 0) {
                    out.printf("  [fulfillment] attempt %d for order %s failed: quantity %d%n", d.attempt(), o.orderId(), o.quantity());
                    if (d.attempt() < 3) throw new IllegalStateException("warehouse rejected quantity " + o.quantity());
                    throw new DeadLetterException("quantity must be positive, got " + o.quantity());
                }
                out.printf("  [fulfillment] shipping %d x %s for order %s%n", o.quantity(), o.sku(), o.orderId());
                shipped.countDown();
            });
            bus.subscribe(ORDERS, SubscribeOptions.group("analytics"), d -> {
                OrderPlaced o = d.data(OrderPlaced.class);
                out.printf("  [analytics]   revenue +%s (order %s)%n", o.total(), o.orderId());
                analysed.countDown();
            });
            bus.subscribe(ORDERS + ".dlq", SubscribeOptions.group("ops"), d -> {
                Message dead = d.message();
                out.printf("  [dead-letter] order %s from group '%s' after %s attempts: %s (%s)%n",
                        d.data(OrderPlaced.class).orderId(), dead.extension(DeadLetters.GROUP),
                        dead.extension(DeadLetters.ATTEMPTS), dead.extension(DeadLetters.ERROR_MESSAGE),
                        dead.extension(DeadLetters.ERROR_TYPE));
                deadLettered.countDown();
            });
            bus.respond(PRICING, SubscribeOptions.group("pricing"), request -> {
                Quote.Requested ask = request.data(Quote.Requested.class);
                BigDecimal unit = new BigDecimal("49.99");
                return Message.of("com.acme.pricing.QuoteGiven", new Quote.Given(ask.sku(), ask.quantity(), unit,
                        unit.multiply(BigDecimal.valueOf(ask.quantity()))));
            });

            out.println("publishing " + orders.size() + " orders (one of them poison) to '" + ORDERS + "'");
            for (OrderPlaced o : orders) {
                bus.publish(ORDERS, Message.of("com.acme.orders.OrderPlaced", o).withKey(o.orderId()))
                        .get(30, TimeUnit.SECONDS);
            }
            boolean fannedOut = emails.await(60, TimeUnit.SECONDS) && shipped.await(60, TimeUnit.SECONDS)
                    && analysed.await(60, TimeUnit.SECONDS);
            boolean dead = deadLettered.await(60, TimeUnit.SECONDS);

            out.println("requesting a price quote on '" + PRICING + "'");
            Quote.Given quote = bus.request(PRICING, Message.of("com.acme.pricing.QuoteRequested",
                    new Quote.Requested("PROD-441", 3)), Duration.ofSeconds(30)).join().data(Quote.Given.class);
            out.printf("  [request/reply] %d x %s at %s = %s%n", quote.quantity(), quote.sku(), quote.unitPrice(), quote.total());

            out.printf("fan-out: %s, dead letter: %s, reply: ok%n", fannedOut ? "ok" : "INCOMPLETE", dead ? "ok" : "MISSING");
            return fannedOut && dead ? 0 : 1;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            out.println("publish failed: " + e.getCause());
            return 2;
        }
    }
}
