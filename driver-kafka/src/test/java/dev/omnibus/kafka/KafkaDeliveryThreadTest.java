package dev.omnibus.kafka;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code SubscribeOptions.handleOnDeliveryThread} on Kafka: first attempts run on the subscription's poll thread
 * (so the option is not a silent no-op on the driver that offers it), a retried message continues on a worker,
 * and without the option every attempt runs on a worker. The semantics themselves are the kit's
 * ({@code MessagingConformanceKit.HandlersOnTheDeliveryThread}).
 */
class KafkaDeliveryThreadTest {
    static KafkaFixtures.Shared broker;

    @BeforeAll
    static void broker() { broker = KafkaFixtures.shared(); }

    private static Messaging connect() {
        return Messaging.connect(MessagingConfig.builder(broker.url()).option("partitions", "2").build());
    }

    private static Message text(String s, String key) {
        return Message.builder().type("dev.omnibus.test.Text").key(key).data(s.getBytes(StandardCharsets.UTF_8), "text/plain").build();
    }

    /** Handler thread per attempt, as "text#attempt". */
    private static Map<String, String> run(boolean onDeliveryThread, String topic, String group) throws Exception {
        Map<String, String> threads = new ConcurrentHashMap<>();
        List<String> failedOnce = new CopyOnWriteArrayList<>();
        try (Messaging bus = connect()) {
            SubscribeOptions options = SubscribeOptions.group(group).retry(RetryPolicy.fixed(2, Duration.ofMillis(50)))
                    .handleOnDeliveryThread(onDeliveryThread);
            bus.subscribe(topic, options, d -> {
                String text = d.message().dataAsString();
                threads.put(text + "#" + d.attempt(), Thread.currentThread().getName());
                if (text.equals("fails-once") && !failedOnce.contains(text)) {
                    failedOnce.add(text);
                    throw new IllegalStateException("first attempt fails");
                }
            });
            for (String s : List.of("a", "b", "fails-once", "c")) bus.publish(topic, text(s, s)).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> threads.size() == 5);
        }
        return threads;
    }

    @Test void firstAttemptsRunOnThePollThreadAndARetryOnAWorker() throws Exception {
        String topic = "delivery-thread-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> threads = run(true, topic, "g");
        String poll = "omnibus-kafka-" + topic + "-g";
        String worker = "omnibus-" + topic + "-g-";
        for (String first : List.of("a#1", "b#1", "fails-once#1")) assertThat(threads.get(first)).as(first).isEqualTo(poll);
        assertThat(threads.get("fails-once#2")).startsWith(worker);
    }

    @Test void withoutTheOptionEveryAttemptRunsOnAWorker() throws Exception {
        String topic = "worker-thread-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> threads = run(false, topic, "g");
        assertThat(threads.values()).allSatisfy(name -> assertThat(name).startsWith("omnibus-" + topic + "-g-"));
    }
}
