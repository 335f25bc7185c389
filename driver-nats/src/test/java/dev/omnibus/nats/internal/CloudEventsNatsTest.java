package dev.omnibus.nats.internal;

import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.Message;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary-mode mapping without a server: what {@link CloudEventsNats#headers} writes decodes to the same
 * message, and the description of where a message came from is built only for an invalid one.
 */
class CloudEventsNatsTest {
    /** Counts how often its description was asked for. */
    static final class Where {
        final AtomicInteger described = new AtomicInteger();

        @Override public String toString() {
            described.incrementAndGet();
            return "stream ORDERS sequence 42";
        }
    }

    @Test
    void whatTheHeadersCarryDecodesToTheSameMessageWithoutDescribingIt() {
        Message sent = Message.builder().type("order.placed").source("/shop").subject("order 7 (€)")
                .extension("tenant", "a b").data("{\"id\":7}".getBytes(StandardCharsets.UTF_8), "application/json").build();
        Where where = new Where();

        Message got = CloudEventsNats.decode("orders", CloudEventsNats.headers(sent), sent.data(), where);

        assertThat(got.id()).isEqualTo(sent.id());
        assertThat(got.time()).isEqualTo(sent.time());
        assertThat(got.subject()).isEqualTo("order 7 (€)");
        assertThat(got.extensions()).containsEntry("tenant", "a b");
        assertThat(got.dataContentType()).isEqualTo("application/json");
        assertThat(got.data()).isEqualTo(sent.data());
        assertThat(where.described).as("toString() of where, on a valid message").hasValue(0);
    }

    @Test
    void anInvalidMessageIsNamedByWhereInTheException() {
        Headers headers = new Headers().put("ce-specversion", "1.0").put("ce-id", "1");
        Where where = new Where();

        assertThatThrownBy(() -> CloudEventsNats.decode("orders", headers, new byte[] {1}, where))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("[ce-source, ce-type] missing")
                .hasMessageContaining("(subject orders, stream ORDERS sequence 42)");
        assertThat(where.described).hasValue(1);
    }
}
