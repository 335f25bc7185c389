package dev.omnibus.memory;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the dead-letter publish fails, the failed message keeps its key's place: later messages of
 * that key wait (they must not overtake it), other keys flow on.
 */
class DeadLetterFailureTest {
    @Test void aFailingDeadLetterPublishHoldsBackOnlyItsKey() {
        // the original fits under the limit, the dead letter (original + dlq* extensions) does not
        try (Messaging bus = Messaging.connect(MessagingConfig.builder("memory://dlqfail-" + UUID.randomUUID())
                .option("maxMessageBytes", "250").build())) {
            List<String> handled = new CopyOnWriteArrayList<>();
            bus.subscribe("orders", SubscribeOptions.group("g").concurrency(2).retry(RetryPolicy.none()), d -> {
                String text = d.message().dataAsString();
                if (text.equals("poison")) throw new IllegalStateException("poison");
                handled.add(d.key() + ":" + text);
            });
            for (String[] m : new String[][] {{"a", "poison"}, {"a", "after-poison"}, {"b", "other-key"}}) {
                bus.publish("orders", Message.builder().type("t").key(m[0]).data(m[1].getBytes(StandardCharsets.UTF_8), null).build()).join();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("b:other-key"));
            // key a stays held for the whole retry backoff window (1 s, then 2 s ...) of the dead letter
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !handled.contains("a:after-poison"));
        }
    }
}
