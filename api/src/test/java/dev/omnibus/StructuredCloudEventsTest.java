package dev.omnibus;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.internal.StructuredCloudEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The structured-mode reader every driver uses ({@link StructuredCloudEvents}): whatever the CloudEvents
 * SDK's own JSON format ({@code cloudevents-json-jackson}) writes for a valid envelope reads back as the same
 * envelope, attribute for attribute and byte for byte; anything else fails with an
 * {@link InvalidEnvelopeException} that says what is wrong.
 */
class StructuredCloudEventsTest {
    private static final JsonFormat FORMAT = new JsonFormat();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 500, seed = "53")
    void whatTheSdkWritesReadsBackAsTheSameEnvelope(@ForAll("envelopes") Message m) {
        byte[] body = FORMAT.serialize(m.toCloudEvent());
        Message read = StructuredCloudEvents.decode(body, null, Map.of(), "test");
        Statistics.label("data").collect(m.dataContentType() == null ? "no content type"
                : m.dataContentType().contains("json") ? "json" : "base64");
        assertThat(read).isEqualTo(m);
        assertThat(read.extensions()).isEqualTo(m.extensions());
        assertThat(read.data()).isEqualTo(m.data());
    }

    @Property(tries = 400, seed = "59")
    void arbitraryBytesNeverEscapeAsAnythingButAnInvalidEnvelope(@ForAll byte[] body) {
        Throwable t = catchThrowable(() -> StructuredCloudEvents.decode(body, "k", Map.of("content-type", "x"), "test"));
        if (t != null) {
            assertThat(t).isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("structured-mode");
            assertThat(((InvalidEnvelopeException) t).payload()).isEqualTo(body);
        }
    }

    @Provide Arbitrary<Message> envelopes() {
        return EnvelopeSpecs.specs(4096).map(spec -> {
            try {
                return spec.build();
            } catch (RuntimeException invalid) {
                return null;
            }
        }).filter(m -> m != null).flatMap(m -> Arbitraries.of("application/json", "text/plain", "application/octet-stream",
                "application/vnd.acme+json; charset=utf-8", "").map(ct -> withData(m, ct)));
    }

    /** The SDK writes JSON content types raw (so the data must be JSON) and everything else as data_base64. */
    private static Message withData(Message m, String contentType) {
        if (contentType.isEmpty()) {
            return m.dataSize() == 0 ? m.toBuilder().data(new byte[0], null).build()
                    : m.toBuilder().data(json(m.dataAsString()), null).build();
        }
        if (contentType.contains("json")) return m.toBuilder().data(json(m.dataAsString()), contentType).build();
        return m.toBuilder().data(m.data(), contentType).build();
    }

    private static byte[] json(String text) {
        try {
            return JSON.writeValueAsBytes(Map.of("text", text, "n", text.length()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test void sdkEventWithEveryAttributeAndTypedExtensions() {
        CloudEvent e = CloudEventBuilder.v1().withId("evt-1").withSource(URI.create("https://acme.example/orders"))
                .withType("com.acme.OrderPlaced").withSubject("order/7").withTime(OffsetDateTime.parse("2026-12-01T10:15:30.123456Z"))
                .withDataSchema(URI.create("https://acme.example/schema.json")).withExtension("tenantid", "acme")
                .withExtension("priority", 5).withExtension("urgent", true).withExtension("partitionkey", "order-7")
                .withData("application/json", "{\"id\": 7, \"items\": [1, 2]}".getBytes(StandardCharsets.UTF_8)).build();
        Message m = StructuredCloudEvents.decode(FORMAT.serialize(e), "ignored-broker-key", Map.of(), "test");
        assertThat(m.id()).isEqualTo("evt-1");
        assertThat(m.source()).isEqualTo("https://acme.example/orders");
        assertThat(m.type()).isEqualTo("com.acme.OrderPlaced");
        assertThat(m.subject()).isEqualTo("order/7");
        assertThat(m.time()).isEqualTo(e.getTime().toInstant());
        assertThat(m.dataSchema()).isEqualTo("https://acme.example/schema.json");
        assertThat(m.dataContentType()).isEqualTo("application/json");
        assertThat(m.key()).isEqualTo("order-7");
        assertThat(m.extensions()).containsEntry("tenantid", "acme").containsEntry("priority", "5").containsEntry("urgent", "true");
        assertThat(m.dataAsString()).isEqualTo("{\"id\": 7, \"items\": [1, 2]}");
    }

    @Test void brokerKeyIsThePartitionKeyWhenTheEventHasNone() {
        byte[] body = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"text/plain\",\"data\":\"hi\"}"
                .getBytes(StandardCharsets.UTF_8);
        Message m = StructuredCloudEvents.decode(body, "k1", Map.of(), "test");
        assertThat(m.key()).isEqualTo("k1");
        assertThat(m.dataAsString()).isEqualTo("hi");
    }

    @Test void contentTypeRecognition() {
        assertThat(StructuredCloudEvents.isStructured("application/cloudevents+json")).isTrue();
        assertThat(StructuredCloudEvents.isStructured("Application/CloudEvents+JSON; charset=UTF-8")).isTrue();
        assertThat(StructuredCloudEvents.isStructured("application/cloudevents-batch+json")).isFalse();
        assertThat(StructuredCloudEvents.isStructured("application/json")).isFalse();
        assertThat(StructuredCloudEvents.isStructured(null)).isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "not json at all|not valid JSON",
            "[1,2]|not a JSON object",
            "^^|body is empty",
            "{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}|required attribute 'specversion' is missing",
            "{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\"}|required attribute 'id' is missing",
            "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}|'specversion' is '0.3'",
            "{\"specversion\":\"1.0\",\"id\":1,\"source\":\"/s\",\"type\":\"t\"}|attribute 'id' must be a JSON string, got 1",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"yesterday\"}|'time' is 'yesterday', not an RFC 3339",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"x\":{\"a\":1}}|extension 'x' is a JSON object",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"%%%\"}|'data_base64' is not base64",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":1,\"data_base64\":\"AA==\"}|both 'data' and 'data_base64'",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\"}|member 'id' appears twice",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"} 5|more after the JSON object",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"|not valid JSON",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"\"}|'type'",
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"Bad-Name\":\"v\"}|Bad-Name",
    })
    void malformedEventsSayWhatIsWrong(String body, String reason) {
        assertThatThrownBy(() -> StructuredCloudEvents.decode(body.getBytes(StandardCharsets.UTF_8), null,
                Map.of("content-type", "application/cloudevents+json"), "message 7 of 'orders'"))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("structured-mode").hasMessageContaining("message 7 of 'orders'")
                .hasMessageContaining(reason).hasMessageNotContaining("ce_specversion");
    }
}
