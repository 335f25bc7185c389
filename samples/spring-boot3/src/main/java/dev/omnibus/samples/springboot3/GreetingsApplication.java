package dev.omnibus.samples.springboot3;

import dev.omnibus.Delivery;
import dev.omnibus.spring.boot.OmnibusListener;
import dev.omnibus.spring.boot.OmnibusResponder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tiny Spring Boot 3.5 application on the Omnibus starter: one listener, one responder. */
@SpringBootApplication
public class GreetingsApplication {
    public record Greeting(String name) {}

    public static void main(String[] args) { SpringApplication.run(GreetingsApplication.class, args); }

    /** Records greetings and answers "hello" requests. */
    @Component
    public static class Greeter {
        final List<String> greeted = new CopyOnWriteArrayList<>();

        @OmnibusListener(topic = "greetings", group = "greeter", maxAttempts = 2, backoff = "10ms")
        public void greet(Greeting greeting, Delivery delivery) {
            if (greeting.name().isBlank()) throw new IllegalArgumentException("no name in " + delivery.id());
            greeted.add(greeting.name());
        }

        @OmnibusResponder(topic = "hello")
        public String hello(Greeting greeting) { return "hello " + greeting.name(); }

        public List<String> greeted() { return List.copyOf(greeted); }
    }
}
