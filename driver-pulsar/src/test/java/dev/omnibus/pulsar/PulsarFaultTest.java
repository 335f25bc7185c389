package dev.omnibus.pulsar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingFaultKit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's fault group against the real Pulsar broker: killed, stopped and restarted by the fixture,
 * and its client connections cut and frozen through the fixture's proxy (the broker advertises the
 * proxy as its {@code external} listener).
 */
class PulsarFaultTest extends MessagingFaultKit {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected BrokerFixture createFixture() { return PulsarFixtures.shared(); }

    /** Sends time out after 3 s and a silent connection is probed every 2 s (the defaults are 30 s). */
    @Override
    protected Map<String, String> fastFailureOptions() {
        return Map.of("sendTimeout", "3s", "operationTimeout", "5s", "pulsar.keepAliveIntervalSeconds", "2");
    }

    /** The subscription's backlog on the broker (admin topic stats) is empty: nothing left unacknowledged. */
    @Override
    protected void awaitAcknowledgedAtBroker(String topic, String group) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI stats = URI.create(fixture().options().get("adminUrl") + "/admin/v2/persistent/public/default/" + topic + "/stats");
        eventually().untilAsserted(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", stats, r.body()).isEqualTo(200);
            JsonNode sub = JSON.readTree(r.body()).path("subscriptions").path(group);
            assertThat(sub.isMissingNode()).as("subscription %s in %s", group, r.body()).isFalse();
            assertThat(sub.path("msgBacklog").asLong(-1)).as("backlog of %s: %s", group, sub).isZero();
            assertThat(sub.path("unackedMessages").asLong(-1)).as("unacked of %s: %s", group, sub).isZero();
        });
    }
}
