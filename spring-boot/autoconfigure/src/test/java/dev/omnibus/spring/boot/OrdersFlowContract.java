package dev.omnibus.spring.boot;

import dev.omnibus.Health;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.SubscriptionHealth;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same Spring Boot test on every broker: the subclasses differ by the {@code omnibus.url} property
 * only. Topic names carry a random prefix ({@code test.prefix}) so runs on a shared broker never meet.
 */
@SpringBootTest(classes = OrdersTestApp.class)
abstract class OrdersFlowContract {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A fresh topic prefix; each subclass keeps one in a constant (a property supplier is called on every read). */
    static String newPrefix() { return "sb" + UUID.randomUUID().toString().substring(0, 8); }

    @Autowired Messaging messaging;
    @Autowired OrdersTestApp.Fulfilment fulfilment;
    @Autowired OrdersTestApp.CountingObserver observer;
    @Autowired OmnibusListenerContainer container;
    @Autowired OmnibusHealthIndicator health;
    @Value("${test.prefix}") String prefix;

    @Test
    void listenerReceivesTheTypedPayloadOncePerMessage() {
        Message m = Message.of("test.OrderPlaced", new OrdersTestApp.Order("o-1", 3)).withKey("o-1");
        messaging.publish(prefix + ".orders", m).join();
        messaging.publish(prefix + ".orders", m).join(); // same id: the idempotency store bean drops it
        messaging.publish(prefix + ".orders", Message.of("test.OrderPlaced", new OrdersTestApp.Order("o-2", 1))).join();

        await().atMost(WAIT).until(() -> fulfilment.handled.containsKey("o-2") && fulfilment.handled.containsKey("o-1"));
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> fulfilment.handled.get("o-1").get() == 1);
        assertThat(observer.attempts.get()).as("the context's MessagingObserver bean saw the handler attempts").isGreaterThanOrEqualTo(2);
    }

    @Test
    void poisonGoesToTheDeadLetterTopicAfterTheDeclaredAttempts() {
        messaging.publish(prefix + ".orders", Message.of("test.OrderPlaced", new OrdersTestApp.Order("poison", -1))).join();

        await().atMost(WAIT).until(() -> fulfilment.deadLetters.containsKey("poison"));
        assertThat(fulfilment.deadLetters.get("poison")).contains("negative quantity in order poison");
        assertThat(fulfilment.handled).doesNotContainKey("poison");
    }

    @Test
    void responderAnswersRequests() {
        Message reply = messaging.request(prefix + ".quotes",
                Message.of("test.QuoteRequest", new OrdersTestApp.QuoteRequest("q-1", 4)), WAIT).join();

        assertThat(reply.type()).isEqualTo(prefix + ".quotes.reply");
        assertThat(reply.data(OrdersTestApp.Quote.class)).isEqualTo(new OrdersTestApp.Quote("q-1", 1000));
    }

    @Test
    void healthIsUpWithEverySubscriptionRunning() {
        assertThat(container.isRunning()).isTrue();
        assertThat(container.endpoints()).hasSize(3);
        Health h = messaging.health();
        assertThat(h.subscriptions()).extracting(SubscriptionHealth::topic)
                .contains(prefix + ".orders", prefix + ".orders.dlq", prefix + ".quotes");
        var actuator = health.health(true);
        assertThat(actuator.getStatus()).isEqualTo(Status.UP);
        assertThat(actuator.getDetails()).containsEntry("driver", messaging.driverName()).containsKey("subscriptions");
    }
}
