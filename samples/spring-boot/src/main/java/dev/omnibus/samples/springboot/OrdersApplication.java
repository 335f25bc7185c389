package dev.omnibus.samples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An orders service on the Omnibus Spring Boot starter. {@code OMNIBUS_URL} (or {@code --omnibus.url=})
 * picks the broker; without it the embedded {@code memory://} broker is used. With {@code --sample.smoke=true}
 * it drives itself over HTTP once, prints the outcome and exits (what {@code ./omnibus sample spring-boot}
 * runs in CI).
 */
@SpringBootApplication
public class OrdersApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
