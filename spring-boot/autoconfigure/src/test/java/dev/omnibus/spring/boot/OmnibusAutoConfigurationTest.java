package dev.omnibus.spring.boot;

import dev.omnibus.Delivery;
import dev.omnibus.Messaging;
import dev.omnibus.observation.MessagingObserver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/** Start-up behaviour of the auto-configuration on {@code memory://}: properties, require, observers, back-off, invalid declarations. */
class OmnibusAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OmnibusAutoConfiguration.class, OmnibusHealthAutoConfiguration.class))
            .withPropertyValues("omnibus.url=memory://autoconfig-test");

    @Test
    void connectsFromTheUrlPropertyAndClosesWithTheContext() {
        Messaging[] seen = new Messaging[1];
        runner.withPropertyValues("omnibus.close-timeout=2s", "omnibus.options.perKeyOrdering=true").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Messaging.class).hasSingleBean(OmnibusHealthIndicator.class);
            seen[0] = ctx.getBean(Messaging.class);
            assertThat(seen[0].driverName()).isEqualTo("memory");
            assertThat(ctx.getBean(OmnibusHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
        });
        assertThat(seen[0].health().brokerReachable()).as("closed with the context").isFalse();
    }

    @Test
    void healthIsDownOnceTheConnectionIsGoneWithLagPerGroup() {
        try (Messaging bus = Messaging.connect("memory://health-test")) {
            OmnibusHealthIndicator indicator = new OmnibusHealthIndicator(bus, null);
            bus.subscribe("health.t", dev.omnibus.SubscribeOptions.group("g"), d -> { });
            var up = indicator.health(true);
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails().get("subscriptions").toString()).contains("topic=health.t", "group=g", "state=RUNNING", "lag=0");
            bus.close();
            assertThat(indicator.health(true).getStatus()).isEqualTo(Status.DOWN);
        }
    }

    @Test
    void requireFailsStartUpListingTheMissingCapabilities() {
        runner.withPropertyValues("omnibus.require=DURABLE,CONSUMER_GROUPS,BROKER_DEDUPLICATION").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("DURABLE").hasMessageContaining("BROKER_DEDUPLICATION")
                    .hasMessageContaining("memory").satisfies(e -> assertThat(e.getMessage()).doesNotContain("CONSUMER_GROUPS,"));
        });
    }

    @Test
    void propertiesNeverShowSecrets() {
        OmnibusProperties p = new OmnibusProperties();
        p.setUrl("amqp://app:s3cret@rabbit.internal:5672/");
        p.getOptions().put("rabbitmq.password", "hunter2");
        assertThat(p.toString()).doesNotContain("s3cret").doesNotContain("hunter2").contains("rabbitmq.password");
    }

    @Test
    void everyMessagingObserverBeanIsAddedToTheConfig() {
        OrdersTestApp.CountingObserver observer = new OrdersTestApp.CountingObserver();
        runner.withBean(MessagingObserver.class, () -> observer).withUserConfiguration(Listening.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Messaging bus = ctx.getBean(Messaging.class);
            bus.publish("autoconfig.observed", dev.omnibus.Message.of("t", "x")).join();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> observer.attempts.get() == 1);
        });
    }

    @Test
    void anApplicationMessagingBeanWins() {
        Messaging own = mock(Messaging.class);
        runner.withBean(Messaging.class, () -> own).run(ctx -> assertThat(ctx.getBean(Messaging.class)).isSameAs(own));
    }

    @Test
    void listenersDoNotStartWhenAutoStartupIsOff() {
        runner.withPropertyValues("omnibus.listener.auto-startup=false").withUserConfiguration(Listening.class).run(ctx -> {
            OmnibusListenerContainer container = ctx.getBean(OmnibusListenerContainer.class);
            assertThat(container.isRunning()).isFalse();
            assertThat(ctx.getBean(OmnibusHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            container.start();
            assertThat(container.subscriptions()).hasSize(1);
        });
    }

    @Test
    void listenerReturningAValueFailsStartUpNamingBeanAndMethod() {
        assertInvalid(ReturnsValue.class, "@OmnibusListener bad.handle(String)", "returns String");
    }

    @Test
    void twoPayloadParametersFailStartUp() {
        assertInvalid(TwoPayloads.class, "@OmnibusListener bad.handle(String, Integer)", "two payload parameters");
    }

    @Test
    void badTopicFailsStartUp() {
        assertInvalid(BadTopic.class, "@OmnibusListener bad.handle(Delivery)", "topic=\"no spaces allowed\"");
    }

    @Test
    void unknownIdempotencyStoreFailsStartUp() {
        assertInvalid(UnknownStore.class, "@OmnibusListener bad.handle(Delivery)", "idempotencyStore=\"missingStore\"");
    }

    @Test
    void badBackoffFailsStartUp() {
        assertInvalid(BadBackoff.class, "@OmnibusListener bad.handle(Delivery)", "backoff=\"soon\"");
    }

    @Test
    void responderReturningVoidFailsStartUp() {
        assertInvalid(VoidResponder.class, "@OmnibusResponder bad.answer(Delivery)", "returns void");
    }

    @Test
    void zeroConcurrencyFailsStartUp() {
        assertInvalid(ZeroConcurrency.class, "@OmnibusListener bad.handle(Delivery)", "concurrency");
    }

    @Test
    void deliveryThreadWithSeveralWorkersFailsStartUp() {
        assertInvalid(DeliveryThreadWithWorkers.class, "@OmnibusListener bad.handle(Delivery)", "handleOnDeliveryThread");
    }

    private void assertInvalid(Class<?> bean, String... fragments) {
        runner.withBean("bad", bean).run(ctx -> {
            assertThat(ctx).hasFailed();
            String message = ctx.getStartupFailure().getMessage();
            for (String f : fragments) assertThat(message).contains(f);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Listening {
        @Bean Object observedListener() {
            return new Object() {
                @OmnibusListener(topic = "autoconfig.observed") void handle(String s) { }
            };
        }
    }

    static class ReturnsValue { @OmnibusListener(topic = "t") String handle(String s) { return s; } }
    static class TwoPayloads { @OmnibusListener(topic = "t") void handle(String s, Integer i) { } }
    static class BadTopic { @OmnibusListener(topic = "no spaces allowed") void handle(Delivery d) { } }
    static class UnknownStore { @OmnibusListener(topic = "t", idempotencyStore = "missingStore") void handle(Delivery d) { } }
    static class BadBackoff { @OmnibusListener(topic = "t", backoff = "soon") void handle(Delivery d) { } }
    static class VoidResponder { @OmnibusResponder(topic = "t") void answer(Delivery d) { } }
    static class DeliveryThreadWithWorkers {
        @OmnibusListener(topic = "t", concurrency = 4, handleOnDeliveryThread = true) void handle(Delivery d) { }
    }
    static class ZeroConcurrency { @OmnibusListener(topic = "t", concurrency = 0) void handle(Delivery d) { } }
}
