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
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The seed scenario, end to end, on whatever broker {@code OMNIBUS_URL} names (the embedded
 * {@code memory://} broker by default):
 * <ol>
 *   <li>an order service publishes {@code OrderPlaced}; email, fulfillment and analytics (three
 *       consumer groups) each react to every order;</li>
 *   <li>a poison order is dead-lettered at once, and an order that hits a warehouse outage is retried
 *       with backoff, then dead-lettered;</li>
 *   <li>the warehouse comes back and the dead letters are redriven: the outage order ships, the poison
 *       order goes back to the dead-letter topic; email and analytics are idempotent, so the redriven
 *       copies do not send a second mail or count revenue twice;</li>
 *   <li>a price quote goes through request/reply.</li>
 * </ol>
 */
public final class OrdersDemo {
    static final String ORDERS = "orders.placed";
    static final String DEAD_LETTERS = ORDERS + ".dlq";
    static final String PRICING = "pricing.quote";
    private static final long WAIT_SECONDS = 60;

    private OrdersDemo() {}

    /**
     * Runs the scenario. With {@code --metrics-port N} it also serves Omnibus's meters on
     * {@code http://127.0.0.1:N/metrics} (Prometheus format) and, after the scenario, keeps the instance
     * and its subscriptions open (lag gauges stay live) until the process is stopped.
     */
    public static void main(String[] args) throws Exception {
        int metricsPort = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--metrics-port") && i + 1 < args.length) metricsPort = parsePort(args[++i]);
            else if (args[i].startsWith("--metrics-port=")) metricsPort = parsePort(args[i].substring("--metrics-port=".length()));
            else {
                System.err.println("demo: unknown argument '" + args[i] + "'; the only option is --metrics-port N");
                System.exit(64);
            }
        }
        if (metricsPort < 0) System.exit(run(MessagingConfig.fromEnvironment(), System.out));
        try (MetricsEndpoint metrics = new MetricsEndpoint(metricsPort)) {
            System.out.println("metrics on http://127.0.0.1:" + metrics.port() + "/metrics");
            int code = run(MessagingConfig.fromEnvironment().toBuilder().observer(metrics.observer()).build(), System.out,
                    () -> {
                        System.out.println("scenario done; still serving metrics on http://127.0.0.1:" + metrics.port()
                                + "/metrics (Ctrl-C to stop)");
                        new CountDownLatch(1).await();
                    });
            System.exit(code);
        }
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) return port;
        } catch (NumberFormatException ignored) { /* reported below */ }
        System.err.println("demo: --metrics-port needs a port number 0-65535, got '" + value + "'");
        System.exit(64);
        return -1;
    }

    /** What to do after the scenario, with the instance still open. */
    interface AfterScenario {
        void run() throws InterruptedException;
    }

    /** Runs the scenario; returns 0 when every step was observed. */
    static int run(MessagingConfig config, PrintStream out) throws InterruptedException {
        return run(config, out, () -> { });
    }

    /** Runs the scenario, then {@code after} with the instance and its subscriptions still open. */
    static int run(MessagingConfig config, PrintStream out, AfterScenario after) throws InterruptedException {
        List<OrderPlaced> orders = List.of(
                new OrderPlaced("1001", "cust-903", "PROD-441", 2, new BigDecimal("99.98")),
                new OrderPlaced("1002", "cust-117", "PROD-109", 1, new BigDecimal("42.02")),
                new OrderPlaced("1003", "cust-903", "PROD-441", 5, new BigDecimal("249.95")),
                new OrderPlaced("1004", "cust-554", "PROD-777", 1, new BigDecimal("19.90")),  // its warehouse is down
                new OrderPlaced("6666", "cust-000", "PROD-???", -1, BigDecimal.ZERO));       // the poison order
        CountDownLatch emails = new CountDownLatch(orders.size());
        CountDownLatch analysed = new CountDownLatch(orders.size());
        CountDownLatch shippedFirstRound = new CountDownLatch(3);
        CountDownLatch outageOrderShipped = new CountDownLatch(1);
        CountDownLatch firstDeadLetters = new CountDownLatch(2);
        CountDownLatch poisonBackInDlq = new CountDownLatch(3);
        AtomicBoolean warehouseUp = new AtomicBoolean(false);

        out.println("Omnibus demo on " + config.redactedUrl());
        try (Messaging bus = Messaging.connect(config)) {
            out.println("driver: " + bus.driverName() + " (" + bus.brokerDescription() + "), capabilities: "
                    + new TreeSet<>(bus.capabilities()));

            bus.subscribe(ORDERS, SubscribeOptions.group("email").idempotency(new InMemoryIdempotencyStore()), d -> {
                OrderPlaced o = d.data(OrderPlaced.class);
                out.printf("  [email]       confirmation mail for order %s to %s%n", o.orderId(), o.customerId());
                emails.countDown();
            });
            bus.subscribe(ORDERS, SubscribeOptions.group("analytics").idempotency(new InMemoryIdempotencyStore()), d -> {
                OrderPlaced o = d.data(OrderPlaced.class);
                out.printf("  [analytics]   revenue +%s (order %s)%n", o.total(), o.orderId());
                analysed.countDown();
            });
            bus.subscribe(ORDERS, SubscribeOptions.group("fulfillment").concurrency(4)
                    .retry(RetryPolicy.exponential(3, Duration.ofMillis(100))), d -> {
                OrderPlaced o = d.data(OrderPlaced.class);
                if (o.quantity() <= 0) {
                    throw new DeadLetterException("quantity must be positive, got " + o.quantity());
                }
                if (o.sku().equals("PROD-777") && !warehouseUp.get()) {
                    out.printf("  [fulfillment] attempt %d for order %s failed: warehouse for %s offline%n",
                            d.attempt(), o.orderId(), o.sku());
                    throw new IllegalStateException("warehouse for " + o.sku() + " offline");
                }
                out.printf("  [fulfillment] shipping %d x %s for order %s%n", o.quantity(), o.sku(), o.orderId());
                if (o.orderId().equals("1004")) outageOrderShipped.countDown(); else shippedFirstRound.countDown();
            });
            bus.subscribe(DEAD_LETTERS, SubscribeOptions.group("ops"), d -> {
                Message dead = d.message();
                out.printf("  [dead-letter] order %s from group '%s' after %s attempt(s): %s (%s)%n",
                        d.data(OrderPlaced.class).orderId(), dead.extension(DeadLetters.GROUP),
                        dead.extension(DeadLetters.ATTEMPTS), dead.extension(DeadLetters.ERROR_MESSAGE),
                        dead.extension(DeadLetters.ERROR_TYPE));
                firstDeadLetters.countDown();
                poisonBackInDlq.countDown();
            });
            bus.respond(PRICING, SubscribeOptions.group("pricing"), request -> {
                Quote.Requested ask = request.data(Quote.Requested.class);
                BigDecimal unit = new BigDecimal("49.99");
                return Message.of("com.acme.pricing.QuoteGiven", new Quote.Given(ask.sku(), ask.quantity(), unit,
                        unit.multiply(BigDecimal.valueOf(ask.quantity()))));
            });

            out.println("publishing " + orders.size() + " orders to '" + ORDERS + "' (one poison, one during a warehouse outage)");
            for (OrderPlaced o : orders) {
                bus.publish(ORDERS, Message.of("com.acme.orders.OrderPlaced", o).withKey(o.orderId()))
                        .get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            boolean fannedOut = await(emails) && await(analysed) && await(shippedFirstRound);
            boolean deadLettered = await(firstDeadLetters);

            out.println("warehouse back online; redriving '" + DEAD_LETTERS + "'");
            warehouseUp.set(true);
            long moved = bus.redrive(DEAD_LETTERS, Duration.ofSeconds(2)).get(WAIT_SECONDS, TimeUnit.SECONDS);
            out.printf("  [redrive]     moved %d dead letter(s) back to '%s'%n", moved, ORDERS);
            boolean redriven = await(outageOrderShipped) && await(poisonBackInDlq);

            out.println("requesting a price quote on '" + PRICING + "'");
            Quote.Given quote = bus.request(PRICING, Message.of("com.acme.pricing.QuoteRequested",
                    new Quote.Requested("PROD-441", 3)), Duration.ofSeconds(30)).join().data(Quote.Given.class);
            out.printf("  [request/reply] %d x %s at %s = %s%n", quote.quantity(), quote.sku(), quote.unitPrice(), quote.total());

            out.printf("fan-out: %s, dead letters: %s, redrive: %s, reply: ok%n", ok(fannedOut), ok(deadLettered), ok(redriven));
            after.run();
            return fannedOut && deadLettered && redriven ? 0 : 1;
        } catch (ExecutionException | TimeoutException e) {
            out.println("failed: " + e);
            return 2;
        }
    }

    private static boolean await(CountDownLatch latch) throws InterruptedException {
        return latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static String ok(boolean b) { return b ? "ok" : "INCOMPLETE"; }
}
