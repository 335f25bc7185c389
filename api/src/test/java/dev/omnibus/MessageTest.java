package dev.omnibus;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTest {
    record Order(String id, int qty) {}

    @Test void defaultsAreSortableIdNowAndDefaultSource() {
        Instant before = Instant.now().minusMillis(1);
        Message m = Message.of("com.acme.Order", new Order("1", 2));
        assertThat(UUID.fromString(m.id()).version()).isEqualTo(7);
        assertThat(m.time()).isAfter(before);
        assertThat(m.source()).isEqualTo(Message.DEFAULT_SOURCE);
        assertThat(m.dataContentType()).isEqualTo("application/json");
        assertThat(m.data(Order.class)).isEqualTo(new Order("1", 2));
    }

    @Test void keyIsThePartitionKeyExtension() {
        Message m = Message.of("t", "x").withKey("order-1");
        assertThat(m.key()).isEqualTo("order-1");
        assertThat(m.extensions()).containsEntry("partitionkey", "order-1");
        assertThat(m.withKey(null).key()).isNull();
    }

    @Test void isImmutable() {
        byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
        Message m = Message.ofBytes("t", data, "text/plain");
        data[0] = 'X';
        assertThat(m.dataAsString()).isEqualTo("abc");
        m.data()[0] = 'Y';
        assertThat(m.dataAsString()).isEqualTo("abc");
        assertThatThrownBy(() -> m.extensions().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(m.dataBuffer().isReadOnly()).isTrue();
    }

    /** A builder used again after build() changes only the messages built after the change. */
    @Test void aReusedBuilderLeavesTheMessagesItBuiltAlone() {
        Message.Builder b = Message.builder().type("t").extension("tenant", "a").key("k1");
        Message first = b.build();
        Message second = b.extension("tenant", "b").key(null).build();
        Message third = b.extension("tenant", null).build();
        assertThat(first.extensions()).containsExactly(Map.entry("partitionkey", "k1"), Map.entry("tenant", "a"));
        assertThat(second.extensions()).containsExactly(Map.entry("tenant", "b"));
        assertThat(third.extensions()).isEmpty();
        assertThat(Message.builder().type("t").build().extensions()).isEmpty();
        assertThat(first.toBuilder().extension("tenant", "c").build().extension("tenant")).isEqualTo("c");
        assertThat(first.extension("tenant")).isEqualTo("a");
    }

    /** wrapData hands the array over without a copy: the documented contract is that the caller no longer changes it. */
    @Test void wrapDataTakesTheArrayWithoutACopy() {
        byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
        Message m = Message.builder().type("t").wrapData(data, "text/plain").build();
        assertThat(m.dataAsString()).isEqualTo("abc");
        assertThat(m.dataContentType()).isEqualTo("text/plain");
        data[0] = 'X'; // what the contract forbids shows that no copy was made
        assertThat(m.dataAsString()).isEqualTo("Xbc");
        m.data()[1] = 'Y'; // readers still get copies
        assertThat(m.dataAsString()).isEqualTo("Xbc");
    }

    @Test void rejectsInvalidAttributesWithTheName() {
        assertThatThrownBy(() -> Message.builder().build()).hasMessageContaining("'type'");
        assertThatThrownBy(() -> Message.builder().type("t").id("").build()).hasMessageContaining("'id'");
        assertThatThrownBy(() -> Message.builder().extension("Bad-Name", "x")).hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> Message.builder().extension("subject", "x")).hasMessageContaining("context attribute");
    }

    @Test void withExtensionsSetsReplacesAndRemovesAndValidatesOnlyTheAdded() {
        Message m = Message.of("t", "x").withKey("k").withExtension("tenantid", "acme");
        java.util.Map<String, String> added = new java.util.HashMap<>();
        added.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        added.put("tenantid", "other");
        Message stamped = m.withExtensions(added);
        assertThat(stamped.extensions()).containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .containsEntry("tenantid", "other").containsEntry("partitionkey", "k");
        assertThat(stamped.extensions().keySet()).containsExactly("partitionkey", "tenantid", "traceparent");
        assertThat(stamped.id()).isEqualTo(m.id());
        assertThat(stamped.time()).isEqualTo(m.time());
        assertThat(stamped.dataAsString()).isEqualTo(m.dataAsString());
        assertThat(m.extension("traceparent")).as("the original is unchanged").isNull();
        java.util.Map<String, String> removal = new java.util.HashMap<>();
        removal.put("tenantid", null);
        assertThat(stamped.withExtensions(removal).extension("tenantid")).isNull();
        assertThat(m.withExtensions(java.util.Map.of())).isSameAs(m);
        assertThat(stamped.withExtensions(java.util.Map.of())).isEqualTo(stamped);
        assertThatThrownBy(() -> m.withExtensions(java.util.Map.of("Bad-Name", "x"))).hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> m.withExtensions(java.util.Map.of("time", "x"))).hasMessageContaining("context attribute");
        assertThatThrownBy(() -> m.withExtensions(java.util.Map.of("note", "\uD800"))).isInstanceOf(InvalidMessageException.class);
        assertThatThrownBy(() -> m.withExtensions(java.util.Map.of("a".repeat(65), "x"))).hasMessageContaining("1-64");
    }

    @Test void convertsToAndFromCloudEventExactly() {
        Message m = Message.builder().id("id-1").source("/orders").type("com.acme.OrderPlaced").subject("order/1")
                .time(Instant.parse("2024-09-14T14:22:05.182123Z")).dataSchema("https://example.com/s.json")
                .key("k").extension("tenantid", "acme").data("{}".getBytes(StandardCharsets.UTF_8), "application/json").build();
        CloudEvent e = m.toCloudEvent();
        assertThat(e.getId()).isEqualTo("id-1");
        assertThat(e.getExtension("partitionkey")).isEqualTo("k");
        assertThat(e.getTime()).isEqualTo(OffsetDateTime.parse("2024-09-14T14:22:05.182123Z"));
        assertThat(Message.fromCloudEvent(e)).isEqualTo(m);
    }

    @Test void readsForeignCloudEventsWithTypedExtensionsAsText() {
        CloudEvent e = CloudEventBuilder.v1().withId("x").withSource(URI.create("/legacy")).withType("t")
                .withExtension("version", 2).withExtension("flag", true).build();
        Message m = Message.fromCloudEvent(e);
        assertThat(m.extension("version")).isEqualTo("2");
        assertThat(m.extension("flag")).isEqualTo("true");
        assertThat(m.dataSize()).isZero();
        assertThat(m.time()).isNotNull();
    }

    @Test void decodingFailureNamesTheType() {
        Message m = Message.ofBytes("t", "not json".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThatThrownBy(() -> m.data(Order.class)).isInstanceOf(CodecException.class).hasMessageContaining(Order.class.getName());
    }

    /** Repeating attributes are checked once per distinct value: a valid one is remembered, never an invalid one. */
    @Test void aRememberedValidAttributeDoesNotLetAnInvalidOneThrough() {
        String source = "/orders", type = "order.Placed", contentType = "text/plain", schema = "https://schemas.example.com/o";
        for (int i = 0; i < 3; i++) {
            Message.builder().source(source).type(type).dataSchema(schema).data(new byte[1], contentType).build();
        }
        assertThatThrownBy(() -> Message.builder().source("not a uri ^").type(type).build())
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("'source'");
        assertThatThrownBy(() -> Message.builder().source(source).type("bad \uD800 type").build())
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("'type'");
        assertThatThrownBy(() -> Message.builder().type(type).dataSchema("relative/only").build())
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("'dataschema'");
        assertThatThrownBy(() -> Message.builder().type(type).data(new byte[1], "text/\uDC00").build())
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("'datacontenttype'");
        assertThat(Message.builder().source(source).type(type).dataSchema(schema).build().source()).isEqualTo(source);
        // an equal value in a new String (as a broker client decodes one per message) is the same valid value
        String copy = new String(source.toCharArray());
        assertThat(Message.builder().source(copy).type(type).build().source()).isSameAs(copy);
    }

    /** A surrogate pair after plain characters is text; a lone surrogate there is not. */
    @Test void surrogatesAfterPlainCharactersAreStillChecked() {
        assertThat(Message.builder().type("emoji \uD83D\uDE00 ok").build().type()).endsWith("ok");
        assertThatThrownBy(() -> Message.builder().type("plain then \uDE00").build())
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("unpaired");
        assertThatThrownBy(() -> Message.builder().type("plain then \uD83D").build())
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("unpaired");
    }
}
