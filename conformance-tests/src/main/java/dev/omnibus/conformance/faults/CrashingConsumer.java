package dev.omnibus.conformance.faults;

import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A consumer in its own JVM that dies abruptly ({@link Runtime#halt}) inside its handler, before
 * completing the first message it receives: what a crash looks like to the broker. Prints
 * {@code RECEIVED <id>} first. Arguments: url topic group [key=value options...].
 */
public final class CrashingConsumer {
    private CrashingConsumer() {}

    public static void main(String[] args) throws Exception {
        MessagingConfig.Builder b = MessagingConfig.builder(args[0]);
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            b.option(kv[0], kv[1]);
        }
        Messaging bus = Messaging.connect(b.build());
        bus.subscribe(args[1], SubscribeOptions.group(args[2]), d -> {
            System.out.println("RECEIVED " + d.id());
            System.out.flush();
            Runtime.getRuntime().halt(3);
        });
        System.out.println("SUBSCRIBED");
        System.out.flush();
        new CountDownLatch(1).await();
        Map.of(); // unreachable
    }
}
