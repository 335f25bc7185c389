package dev.omnibus.samples.springboot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * With {@code sample.smoke=true}: once the service is ready, places an order, a poison order and asks a quote
 * over real HTTP, checks health, prints {@code spring-boot sample: ok} and exits (non-zero on failure).
 */
@Component
@ConditionalOnProperty(name = "sample.smoke", havingValue = "true")
public class SmokeRun implements ApplicationListener<ApplicationReadyEvent> {
    private static final Logger log = LoggerFactory.getLogger(SmokeRun.class);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        int code;
        try {
            int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
            String base = "http://127.0.0.1:" + port;
            String good = id(post(base + "/orders", "{\"item\":\"book\",\"quantity\":2}"));
            String poison = id(post(base + "/orders", "{\"item\":\"book\",\"quantity\":0}"));
            until(() -> get(base + "/orders/" + good).contains("FULFILLED"), "order " + good + " fulfilled");
            until(() -> get(base + "/orders/dead-letters").contains(poison), "poison " + poison + " dead-lettered");
            String quote = get(base + "/orders/" + good + "/quote");
            if (!quote.contains("\"cents\":800")) throw new IllegalStateException("unexpected quote " + quote);
            if (!get(base + "/actuator/health").contains("\"UP\"")) throw new IllegalStateException("health not UP");
            System.out.println("spring-boot sample: ok (fulfilled " + good + ", dead-lettered " + poison + ", quote " + quote + ")");
            code = 0;
        } catch (Exception e) {
            log.error("spring-boot sample smoke run failed", e);
            code = 1;
        }
        int exit = code;
        System.exit(SpringApplication.exit(event.getApplicationContext(), () -> exit));
    }

    private String post(String url, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) throw new IllegalStateException("no id in " + json);
        return m.group(1);
    }

    interface Check { boolean ok() throws Exception; }

    private static void until(Check check, String what) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!check.ok()) {
            if (Instant.now().isAfter(deadline)) throw new IllegalStateException("not within 30s: " + what);
            Thread.sleep(50); // polling an HTTP endpoint in the sample's own smoke run (no test library on its class path)
        }
    }
}
