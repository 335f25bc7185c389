package dev.omnibus.samples.springboot;

import dev.omnibus.conformance.fixtures.RabbitMqProcessBroker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orders service over real HTTP on an isolated RabbitMQ node of its own (never the machine's shared
 * broker, which this test stops and starts): publish, fulfil, dead-letter, request/reply, Actuator health
 * going DOWN when the broker stops and UP when it returns, and the listener counters in /actuator/metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // the application closes after this class, while its broker still runs (the node stops at JVM exit)
class OrdersServiceHttpTest {
    private static RabbitMqProcessBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort int port;

    static synchronized RabbitMqProcessBroker broker() {
        if (broker == null) {
            Assumptions.assumeTrue(RabbitMqProcessBroker.isInstalled(), "rabbitmq-server is not installed");
            RabbitMqProcessBroker b = new RabbitMqProcessBroker();
            try {
                b.start();
            } catch (Exception e) {
                b.close();
                throw new IllegalStateException("Could not start an isolated RabbitMQ node", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "rabbitmq-node-close"));
            broker = b;
        }
        return broker;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("omnibus.url", () -> broker().url());
    }

    @Test
    void ordersFlowHealthAndMetricsOverHttp() throws Exception {
        HttpResponse<String> placed = post("/orders", "{\"item\":\"lamp\",\"quantity\":3}");
        assertThat(placed.statusCode()).isEqualTo(202);
        String id = placed.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/orders/" + id).body().contains("FULFILLED"));

        String poison = post("/orders", "{\"item\":\"lamp\",\"quantity\":-1}").body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/orders/dead-letters").body().contains(poison));
        assertThat(get("/orders/dead-letters").body()).contains("has quantity -1").contains("\"attempts\":\"3\"");
        assertThat(get("/orders/" + poison).body()).contains("REJECTED");

        HttpResponse<String> quote = get("/orders/" + id + "/quote");
        assertThat(quote.statusCode()).isEqualTo(200);
        assertThat(quote.body()).contains("\"cents\":1200").contains("EUR");

        // omnibus-micrometer, wired by the starter into Boot's registry
        String processed = get("/actuator/metrics/messaging.process.duration?tag=messaging.destination.name:orders.placed").body();
        String positiveCount = "(?s).*\"statistic\":\"COUNT\",\"value\":[1-9].*";
        assertThat(processed).matches(positiveCount);
        assertThat(get("/actuator/metrics/omnibus.dead.letters").body()).matches(positiveCount);

        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        broker().stop();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/actuator/health").statusCode() == 503);
        assertThat(get("/actuator/health").body()).contains("\"DOWN\"");
        broker().restart();
        await().atMost(Duration.ofSeconds(90)).until(() -> get("/actuator/health").statusCode() == 200);

        // and it works again after the broker came back
        String after = post("/orders", "{\"item\":\"desk\",\"quantity\":1}").body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/orders/" + after).body().contains("FULFILLED"));
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
