package dev.omnibus.samples;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.idempotency.InMemoryIdempotencyStore;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * At-least-once delivery means duplicates: here a producer retries a publish whose acknowledgement it
 * missed, so the same payment event (same id) arrives twice. The ledger consumer has an idempotency
 * store and books it once; a naive consumer without one books it twice. For a store that survives
 * restarts and is shared by instances, use {@code JdbcIdempotencyStore} from {@code omnibus-jdbc}.
 */
public final class PaymentsSample {
    static final String PAYMENTS = "payments.captured";
    static final String MARKER = "com.acme.payments.BatchEnd";

    /** A captured payment. */
    public record PaymentCaptured(String paymentId, String account, BigDecimal amount) {}

    private PaymentsSample() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(MessagingConfig.fromEnvironment(), System.out));
    }

    static int run(MessagingConfig config, PrintStream out) throws Exception {
        Map<String, BigDecimal> ledger = new ConcurrentHashMap<>();
        Map<String, BigDecimal> naive = new ConcurrentHashMap<>();
        CountDownLatch caughtUp = new CountDownLatch(2); // both groups reached the end-of-batch marker
        try (Messaging bus = Messaging.connect(config)) {
            bus.subscribe(PAYMENTS, SubscribeOptions.group("ledger").idempotency(new InMemoryIdempotencyStore()),
                    d -> book(d, ledger, "ledger", caughtUp, out));
            bus.subscribe(PAYMENTS, SubscribeOptions.group("naive-ledger"), d -> book(d, naive, "naive ", caughtUp, out));
            Message payment = Message.of("com.acme.payments.PaymentCaptured",
                    new PaymentCaptured("pay-1", "acct-42", new BigDecimal("10.00"))).withKey("acct-42");
            bus.publish(PAYMENTS, payment).get(30, TimeUnit.SECONDS);
            out.println("producer retries the publish (same message id " + payment.id() + ")");
            bus.publish(PAYMENTS, payment).get(30, TimeUnit.SECONDS);
            // same key, so each group sees it after both copies of the payment
            bus.publish(PAYMENTS, Message.ofBytes(MARKER, new byte[0], null).withKey("acct-42")).get(30, TimeUnit.SECONDS);
            if (!caughtUp.await(60, TimeUnit.SECONDS)) return 1;
            out.printf("ledger with idempotency store: %s; without: %s%n", ledger, naive);
            return new BigDecimal("10.00").equals(ledger.get("acct-42")) && new BigDecimal("20.00").equals(naive.get("acct-42")) ? 0 : 1;
        }
    }

    private static void book(dev.omnibus.Delivery d, Map<String, BigDecimal> ledger, String name, CountDownLatch caughtUp,
                             PrintStream out) {
        if (d.message().type().equals(MARKER)) {
            caughtUp.countDown();
            return;
        }
        PaymentCaptured p = d.data(PaymentCaptured.class);
        ledger.merge(p.account(), p.amount(), BigDecimal::add);
        out.printf("  [%s] booked %s to %s (message %s)%n", name, p.amount(), p.account(), d.id());
    }
}
