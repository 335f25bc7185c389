package dev.omnibus.samples;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.RemoteHandlerException;
import dev.omnibus.RequestTimeoutException;
import dev.omnibus.SubscribeOptions;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Request/reply over any broker: a pricing service answers quotes (two responders share the load in
 * one group), a client fires many requests at once, an unknown SKU comes back as a remote error, and
 * a request nobody answers times out with a clear error.
 */
public final class PricingSample {
    static final String PRICING = "pricing.quote";
    static final Map<String, BigDecimal> PRICES = Map.of("PROD-441", new BigDecimal("49.99"), "PROD-109", new BigDecimal("42.02"));

    /** A quote request. */
    public record Ask(String sku, int quantity) {}

    /** A quote. */
    public record Price(String sku, int quantity, BigDecimal total) {}

    private PricingSample() {}

    public static void main(String[] args) {
        System.exit(run(MessagingConfig.fromEnvironment(), System.out));
    }

    static int run(MessagingConfig config, PrintStream out) {
        try (Messaging bus = Messaging.connect(config)) {
            for (String responder : List.of("pricing-a", "pricing-b")) {
                bus.respond(PRICING, SubscribeOptions.group("pricing").concurrency(2), request -> {
                    Ask ask = request.data(Ask.class);
                    BigDecimal unit = PRICES.get(ask.sku());
                    if (unit == null) throw new IllegalArgumentException("no price for " + ask.sku());
                    return Message.of("com.acme.pricing.QuoteGiven",
                            new Price(ask.sku(), ask.quantity(), unit.multiply(BigDecimal.valueOf(ask.quantity()))))
                            .withExtension("responder", responder.replace("-", ""));
                });
            }
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            for (int q = 1; q <= 20; q++) {
                replies.add(bus.request(PRICING, Message.of("com.acme.pricing.QuoteRequested", new Ask("PROD-441", q)),
                        Duration.ofSeconds(30)));
            }
            int answered = 0;
            for (int q = 1; q <= 20; q++) {
                Price p = replies.get(q - 1).join().data(Price.class);
                if (p.quantity() == q && p.total().equals(new BigDecimal("49.99").multiply(BigDecimal.valueOf(q)))) answered++;
            }
            out.printf("[request/reply] %d of 20 concurrent quotes answered with their own reply%n", answered);

            try {
                bus.request(PRICING, Message.of("com.acme.pricing.QuoteRequested", new Ask("PROD-???", 1)), Duration.ofSeconds(30)).join();
                out.println("[remote error] unexpected reply");
                return 1;
            } catch (CompletionException e) {
                out.println("[remote error] " + (e.getCause() instanceof RemoteHandlerException r ? r.getMessage() : e.getCause()));
            }
            try {
                bus.request("inventory.check", Message.of("com.acme.inventory.CheckRequested", new Ask("PROD-441", 1)),
                        Duration.ofMillis(500)).join();
                return 1;
            } catch (CompletionException e) {
                out.println("[timeout] " + (e.getCause() instanceof RequestTimeoutException t ? t.getMessage() : e.getCause()));
            }
            return answered == 20 ? 0 : 1;
        }
    }
}
