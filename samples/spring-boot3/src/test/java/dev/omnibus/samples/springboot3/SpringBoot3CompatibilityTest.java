package dev.omnibus.samples.springboot3;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.spring.boot.OmnibusListenerContainer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The starter built for Spring Boot 4 runs an application on Spring Boot 3.5 (memory://, no broker). */
@SpringBootTest(properties = "omnibus.url=memory://boot3")
class SpringBoot3CompatibilityTest {
    @Autowired Messaging messaging;
    @Autowired GreetingsApplication.Greeter greeter;
    @Autowired OmnibusListenerContainer container;

    @Test
    void runsOnSpringBoot35() {
        assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
        assertThat(container.isRunning()).isTrue();
    }

    @Test
    void listenerAndResponderWork() {
        messaging.publish("greetings", Message.of("test.Greeting", new GreetingsApplication.Greeting("ada"))).join();
        messaging.publish("greetings", Message.of("test.Greeting", new GreetingsApplication.Greeting(" "))).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> greeter.greeted().contains("ada"));

        Message reply = messaging.request("hello", Message.of("test.Greeting", new GreetingsApplication.Greeting("bob")),
                Duration.ofSeconds(10)).join();
        assertThat(reply.data(String.class)).isEqualTo("hello bob");
        await().atMost(Duration.ofSeconds(20)).until(() -> messaging.health().subscriptions().size() == 2);
    }
}
