package dev.omnibus.conformance.faults;

import dev.omnibus.Capability;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.Ordering;
import dev.omnibus.SubscribeOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A consumer in its own JVM that dies abruptly ({@link Runtime#halt}), which is what a crash looks like
 * to the broker. Arguments: {@code mode url topic group [key=value options...]}.
 * <ul>
 *   <li>{@code before}: halts inside its handler, before completing the first message it receives,
 *       after printing {@code RECEIVED <id>};</li>
 *   <li>{@code after}: completes every message normally, prints {@code RECEIVED <id>} and, once the
 *       driver's {@code ack()} has returned, {@code ACKED <id>}; it halts when a line {@code CRASH}
 *       arrives on its standard input (the test sends it once the broker has the ack).</li>
 *   <li>{@code redeliver}: subscribes with one in-process attempt and a delayed redelivery after
 *       {@value #REDELIVERY_DELAY_MILLIS} ms (PER_KEY where the driver declares ORDERED_DELAYED_REDELIVERY, NONE
 *       otherwise); its handler prints {@code RECEIVED <id> <attempt>} and fails; once the broker holds the
 *       delayed redelivery it prints {@code HANDED_BACK <id>} and halts, during the delay.</li>
 * </ul>
 * Prints {@code SUBSCRIBED} when its subscription is established.
 */
public final class CrashingConsumer {
    private CrashingConsumer() {}

    /** The delay of the {@code redeliver} mode's schedule. */
    public static final long REDELIVERY_DELAY_MILLIS = 3000;

    public static void main(String[] args) throws Exception {
        boolean redeliver = args[0].equals("redeliver");
        boolean crashBeforeAck = switch (args[0]) {
            case "before" -> true;
            case "after", "redeliver" -> false;
            default -> throw new IllegalArgumentException("mode must be 'before', 'after' or 'redeliver', got '" + args[0] + "'");
        };
        String url = args[1];
        MessagingConfig.Builder b = MessagingConfig.builder(url);
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            b.option(kv[0], kv[1]);
        }
        CountingDriver driver = new CountingDriver(url.substring(0, url.indexOf(':'))).afterAck(id -> say("ACKED " + id))
                .afterRedelivery(id -> {
                    say("HANDED_BACK " + id);
                    Runtime.getRuntime().halt(3);
                });
        try {
            Messaging bus = Messaging.connect(b.driver(driver).build());
            // like the kit's baseOptions(): per-key ordering only where the driver declares it
            SubscribeOptions options = SubscribeOptions.group(args[3]);
            if (!bus.capabilities().contains(Capability.PER_KEY_ORDERING)) options = options.ordering(Ordering.NONE);
            if (redeliver) options = redeliveryOptions(bus, options);
            bus.subscribe(args[2], options, d -> {
                if (redeliver) {
                    say("RECEIVED " + d.id() + " " + d.attempt());
                    throw new IllegalStateException("fails, to be redelivered after a delay");
                }
                say("RECEIVED " + d.id());
                if (crashBeforeAck) Runtime.getRuntime().halt(3);
            });
        } catch (RuntimeException e) {
            say("FAILED " + e); // a client's non-daemon threads must not keep a consumer that never subscribed alive
            Runtime.getRuntime().halt(2);
        }
        say("SUBSCRIBED");
        if (!crashBeforeAck) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("CRASH")) Runtime.getRuntime().halt(3);
            }
        }
        new CountDownLatch(1).await();
    }

    /**
     * {@code options} with one in-process attempt and one delayed redelivery after {@link #REDELIVERY_DELAY_MILLIS}:
     * PER_KEY where the driver declares ORDERED_DELAYED_REDELIVERY, NONE otherwise.
     */
    public static SubscribeOptions redeliveryOptions(Messaging bus, SubscribeOptions options) {
        SubscribeOptions o = bus.capabilities().contains(Capability.ORDERED_DELAYED_REDELIVERY)
                ? options.ordering(Ordering.PER_KEY) : options.ordering(Ordering.NONE);
        return o.retry(dev.omnibus.RetryPolicy.none()).redelivery(java.time.Duration.ofMillis(REDELIVERY_DELAY_MILLIS),
                java.time.Duration.ofMillis(REDELIVERY_DELAY_MILLIS));
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
