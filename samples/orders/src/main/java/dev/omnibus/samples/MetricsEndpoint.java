package dev.omnibus.samples;

import com.sun.net.httpserver.HttpServer;
import dev.omnibus.micrometer.OmnibusMetrics;
import dev.omnibus.observation.MessagingObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /metrics} in the Prometheus text format on a JDK {@link HttpServer}: the meters of
 * {@link OmnibusMetrics} (lag polled every second) in a {@link PrometheusMeterRegistry}. What
 * {@code ./omnibus demo --metrics-port N} serves.
 */
final class MetricsEndpoint implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MessagingObserver observer = OmnibusMetrics.builder(registry).lagInterval(Duration.ofSeconds(1)).build().observer();
    private final HttpServer server;

    /** Serves on {@code 127.0.0.1:port} (0: a free port). */
    MetricsEndpoint(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) { out.write(body); }
        });
        server.start();
    }

    /** The observer to give the demo's {@code Messaging} instance. */
    MessagingObserver observer() { return observer; }

    int port() { return server.getAddress().getPort(); }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
