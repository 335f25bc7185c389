package dev.omnibus.internal;

import dev.omnibus.Codec;
import dev.omnibus.CodecException;
import dev.omnibus.Message;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The payload codec on random typed payloads (unicode, control characters, unpaired surrogates, numbers at
 * their limits, java.time values): {@code decode(encode(x))} equals {@code x}, or encoding/decoding fails
 * with {@link CodecException} naming the type; never different data.
 */
class JsonCodecPropertiesTest {
    record Payload(String text, List<String> tags, Map<String, String> attributes, long amount, double ratio,
                   Instant at, boolean flag) {}

    private final Codec codec = Codec.json();

    @Property(tries = 600, seed = "31", edgeCases = EdgeCasesMode.MIXIN)
    void recordsRoundTripExactlyOrFailNamingTheType(@ForAll("payloads") Payload p) {
        byte[] bytes;
        try {
            bytes = codec.encode(p);
        } catch (CodecException e) {
            Statistics.label("outcome").collect("encode refused");
            assertThat(e.getMessage()).contains(Payload.class.getName());
            return;
        }
        Throwable t = catchThrowable(() -> codec.decode(bytes, Payload.class));
        Statistics.label("outcome").collect(t == null ? "round trip" : "decode refused");
        if (t != null) {
            assertThat(t).isInstanceOf(CodecException.class).hasMessageContaining(Payload.class.getName());
            return;
        }
        assertThat(codec.decode(bytes, Payload.class)).isEqualTo(p);
        Message m = Message.of("com.acme.Payload", p);
        assertThat(m.data(Payload.class)).isEqualTo(p);
        assertThat(m.dataContentType()).isEqualTo("application/json");
    }

    @Property(tries = 300, seed = "37")
    void garbageNeverDecodesSilentlyIntoSomethingElse(@ForAll byte[] garbage) {
        Throwable t = catchThrowable(() -> codec.decode(garbage, Payload.class));
        if (t != null) assertThat(t).isInstanceOf(CodecException.class).hasMessageContaining(Payload.class.getName());
    }

    @Provide Arbitrary<Payload> payloads() {
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().ascii().ofMaxLength(30), Arbitraries.of("", "\u0000", "\uD800", "😀", "\"\\/\b\f\n\r\t"));
        Arbitrary<Instant> at = Combinators.combine(Arbitraries.longs().between(-31_557_014_167_219_200L, 31_556_889_864_403_199L),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        return Combinators.combine(text.injectNull(0.1), text.list().ofMaxSize(5), Arbitraries.maps(text, text).ofMaxSize(4),
                Arbitraries.longs(), Arbitraries.doubles(), at.injectNull(0.1), Arbitraries.of(true, false)).as(Payload::new);
    }
}
