package dev.omnibus.spi;

import dev.omnibus.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The ownership contract of {@link Payloads}: drivers skip the copies, application code still cannot change a payload. */
class PayloadsTest {
    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void adoptTakesTheArrayAndArrayReturnsItWithoutACopy() {
        byte[] decoded = bytes("from the wire");
        Message m = Payloads.adopt(Message.builder().type("t"), decoded, "text/plain").build();
        assertThat(Payloads.array(m)).isSameAs(decoded);
        assertThat(m.dataContentType()).isEqualTo("text/plain");
        assertThat(m.dataAsString()).isEqualTo("from the wire");
    }

    @Test
    void applicationCodeOnlyEverSeesCopiesOrReadOnlyViews() {
        Message m = Payloads.adopt(Message.builder().type("t"), bytes("abc"), null).build();
        byte[] copy = m.data();
        assertThat(copy).isNotSameAs(Payloads.array(m));
        copy[0] = 'X';
        assertThat(m.dataAsString()).isEqualTo("abc");
        assertThat(m.dataBuffer().isReadOnly()).isTrue();
        // what a user builds is copied in, so changing the array afterwards does not reach the published message
        byte[] mine = bytes("mine");
        Message built = Message.builder().type("t").data(mine, null).build();
        mine[0] = 'X';
        assertThat(built.dataAsString()).isEqualTo("mine");
        assertThat(Payloads.array(built)).isNotSameAs(mine);
    }

    @Test
    void derivedMessagesShareTheImmutablePayload() {
        Message m = Payloads.adopt(Message.builder().type("t"), bytes("shared"), null).build();
        Message keyed = m.withKey("k");
        assertThat(Payloads.array(keyed)).isSameAs(Payloads.array(m)); // immutable, so derived messages share it
        assertThat(Payloads.adopt(Message.builder().type("t"), null, null).build().dataSize()).isZero();
    }
}
