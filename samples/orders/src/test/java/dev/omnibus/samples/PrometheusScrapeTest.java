package dev.omnibus.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.MessagingConfig;
import dev.omnibus.conformance.fixtures.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus (Debian's {@code prometheus}, installed by .ci/run when missing) scrapes the demo's
 * {@code /metrics} endpoint ({@code ./omnibus demo --metrics-port N}) with the alert rules of
 * docs/observability/omnibus-alerts.yml loaded; the test asks Prometheus's HTTP query API for the lag,
 * dead letters and process durations the demo must produce, and checks that the dead-letter alert fires.
 * Also runs {@code promtool check rules} on the rules file.
 */
class PrometheusScrapeTest {
    private static final Path RULES = Path.of("../../docs/observability/omnibus-alerts.yml").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @TempDir Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private static Optional<Path> binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    private static Path required(String name) {
        Optional<Path> p = binary(name);
        assumeTrue(p.isPresent(), name + " is not installed: skipped. Install it with 'apt-get install prometheus' "
                + "(.ci/run does when it is missing)");
        return p.get();
    }

    private Process start(Path log, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Path promtool = required("promtool");
        Path log = dir.resolve("promtool.log");
        Process p = start(log, promtool.toString(), "check", "rules", RULES.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("SUCCESS: 3 rules found");
    }

    @Test
    void prometheusScrapesLagDeadLettersAndProcessDurationFromTheDemo() throws Exception {
        Path prometheus = required("prometheus");
        try (MetricsEndpoint metrics = new MetricsEndpoint(0)) {
            int port = FreePorts.next();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: omnibus-demo
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(RULES, metrics.port()));
            Path log = dir.resolve("prometheus.log");
            start(log, prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port);
            String api = "http://127.0.0.1:" + port;
            await("Prometheus scrapes the demo endpoint").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().untilAsserted(() -> assertThat(values(api, "up{job=\"omnibus-demo\"}")).containsExactly(1.0));

            CountDownLatch scenarioDone = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            AtomicInteger exit = new AtomicInteger(-1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MessagingConfig demo = MessagingConfig.builder("memory://prometheus-" + UUID.randomUUID())
                    .discoverObservers(false).observer(metrics.observer()).build();
            Thread runner = new Thread(() -> {
                try {
                    exit.set(OrdersDemo.run(demo, new PrintStream(out, true, StandardCharsets.UTF_8), () -> {
                        scenarioDone.countDown();
                        finish.await();
                    }));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    scenarioDone.countDown();
                }
            }, "orders-demo");
            runner.start();
            try {
                assertThat(scenarioDone.await(120, TimeUnit.SECONDS)).as("demo finished its scenario").isTrue();
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("fan-out: ok, dead letters: ok, redrive: ok, reply: ok");

                String placed = "messaging_destination_name=\"orders.placed\"";
                await("dead letters, process durations and lag in Prometheus").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
                            // poison order twice (first round and after the redrive) and the outage order once
                            assertThat(values(api, "sum(omnibus_dead_letters_total{" + placed
                                    + ",messaging_consumer_group_name=\"fulfillment\"})")).containsExactly(3.0);
                            // email handles each of the 5 orders once; the 2 redriven copies are duplicates
                            assertThat(values(api, "sum(messaging_process_duration_seconds_count{" + placed
                                    + ",messaging_consumer_group_name=\"email\"})")).containsExactly(5.0);
                            assertThat(values(api, "sum(messaging_process_duration_seconds_bucket{" + placed
                                    + ",messaging_consumer_group_name=\"email\",le=\"+Inf\"})")).containsExactly(5.0);
                            assertThat(values(api, "sum(omnibus_duplicates_skipped_total{" + placed
                                    + ",messaging_consumer_group_name=\"email\"})")).containsExactly(2.0);
                            // fulfillment: 1001-1003 once, 1004 three times, 6666 once, then 1004 and 6666 again
                            assertThat(values(api, "sum(messaging_process_duration_seconds_count{" + placed
                                    + ",messaging_consumer_group_name=\"fulfillment\"})")).containsExactly(9.0);
                            // every group of the topic has caught up: lag 0 for each of the three
                            assertThat(values(api, "omnibus_consumer_lag{" + placed + "}")).containsExactly(0.0, 0.0, 0.0);
                            assertThat(values(api, "omnibus_consumer_lag{messaging_destination_name=\"orders.placed.dlq\","
                                    + "messaging_consumer_group_name=\"ops\"}")).containsExactly(0.0);
                            assertThat(values(api, "ALERTS{alertname=\"OmnibusDeadLetter\",alertstate=\"firing\","
                                    + "messaging_consumer_group_name=\"fulfillment\"}")).containsExactly(1.0);
                        });
            } finally {
                finish.countDown();
                runner.join(60_000);
            }
            assertThat(exit.get()).as(out.toString(StandardCharsets.UTF_8)).isZero();
        }
    }

    /** The sample values of an instant query. */
    private List<Double> values(String api, String query) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        List<Double> values = new ArrayList<>();
        for (JsonNode series : result) values.add(Double.parseDouble(series.path("value").get(1).asText()));
        return values;
    }
}
