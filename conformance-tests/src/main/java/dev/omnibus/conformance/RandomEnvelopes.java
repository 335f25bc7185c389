package dev.omnibus.conformance;

import dev.omnibus.Message;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random envelopes for the kit's {@code RandomEnvelopes} group, drawn with jqwik arbitraries outside the
 * jqwik engine and reproducible from a seed: ids, sources, types, subjects, times, content types, schemas,
 * extension names and values, keys and payloads, mostly valid and broker-hostile (unicode of every plane,
 * control characters and NUL, empty strings, values longer than AMQP's 255-byte short strings, payloads up
 * to the driver's limit), a few invalid (unpaired surrogates, bad extension names, times outside RFC 3339,
 * non-URI sources). Each {@link Draft} is built by {@link Draft#build()} the way an application builds a
 * message, so invalid ones are refused there with {@link dev.omnibus.InvalidMessageException}.
 */
public final class RandomEnvelopes {
    private RandomEnvelopes() {}

    /**
     * Valid random messages (the drafts that {@link Message.Builder} accepts), payloads up to
     * {@code maxDataBytes}: for drivers' property tests of their wire mapping.
     */
    public static Arbitrary<Message> validMessages(int maxDataBytes) {
        return drafts(maxDataBytes).map(d -> {
            try {
                return d.build();
            } catch (dev.omnibus.InvalidMessageException invalid) {
                return null;
            }
        }).filter(java.util.Objects::nonNull);
    }

    /** The raw inputs of one message; {@code null} means "not set". */
    record Draft(int index, String id, String source, String type, String subject, Instant time, String contentType,
                 String dataSchema, Map<String, String> extensions, String key, int dataSize, long dataSeed) {

        /** Builds the message (throws what {@link Message.Builder} throws for invalid input). */
        Message build() {
            Message.Builder b = Message.builder().id(id).source(source).type(type).subject(subject).time(time)
                    .dataSchema(dataSchema);
            extensions.forEach(b::extension);
            if (key != null) b.key(key);
            byte[] data = new byte[dataSize];
            new Random(dataSeed).nextBytes(data);
            return b.data(data, contentType).build();
        }

        /** A one-line description for failure messages (values escaped, long ones cut). */
        String describe() {
            return "#" + index + " {id=" + show(id) + ", source=" + show(source) + ", type=" + show(type) + ", subject="
                    + show(subject) + ", time=" + time + ", datacontenttype=" + show(contentType) + ", dataschema="
                    + show(dataSchema) + ", key=" + show(key) + ", extensions=" + extensions.keySet() + ", data="
                    + dataSize + " bytes}";
        }
    }

    /**
     * {@code count} drafts from {@code seed}. Payload sizes run from 0 to {@code maxDataBytes}: most small, some
     * up to 64 KiB, a few anywhere up to the maximum and a few exactly at it.
     */
    static List<Draft> draw(long seed, int count, int maxDataBytes) {
        seedJqwik(seed);
        List<Draft> drafts = new java.util.ArrayList<>();
        drafts(maxDataBytes).sampleStream().limit(count).forEach(d -> drafts.add(d));
        List<Draft> indexed = new java.util.ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            // ids must be unique to match deliveries to publishes: a suffix keeps whatever the prefix is
            String id = d.id() == null ? null : d.id() + "#" + i;
            indexed.add(new Draft(i, id, d.source(), d.type(), d.subject(), d.time(), d.contentType(), d.dataSchema(),
                    d.extensions(), d.key(), d.dataSize(), d.dataSeed()));
        }
        return indexed;
    }

    /**
     * Outside a property, {@code Arbitrary.sampleStream()} draws from the calling thread's jqwik random, which
     * only the engine's {@code SourceOfRandomness.create(seed)} can seed. The engine is a runtime dependency of
     * {@code net.jqwik:jqwik}, so it is called reflectively; without it the draw would not be reproducible.
     */
    private static void seedJqwik(long seed) {
        try {
            Class.forName("net.jqwik.engine.SourceOfRandomness").getMethod("create", String.class)
                    .invoke(null, Long.toString(seed));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot seed jqwik " + seed + " (is jqwik-engine 1.9 on the class path?)", e);
        }
    }

    private static Arbitrary<Draft> drafts(int maxDataBytes) {
        Arbitrary<String> optional = text().injectNull(0.4);
        return Combinators.combine(text().injectNull(0.1), source().injectNull(0.2), text().filter(s -> !s.isEmpty()),
                        optional, time().injectNull(0.2), optional, dataSchema().injectNull(0.6), extensions())
                .flatAs((id, source, type, subject, time, contentType, schema, ext) ->
                        Combinators.combine(text().injectNull(0.3), dataSize(maxDataBytes), Arbitraries.longs())
                                .as((key, size, dataSeed) -> new Draft(0, id, source, type, subject, time, contentType,
                                        schema, ext, key, size, dataSeed)));
    }

    /** Well-formed text of up to {@code max} code points from every plane, control characters included. */
    private static Arbitrary<String> unicode(int max) {
        return Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list().ofMaxSize(max)
                .map(cps -> { StringBuilder sb = new StringBuilder(); cps.forEach(sb::appendCodePoint); return sb.toString(); });
    }

    /** Mostly valid text; about one value in 60 holds an unpaired surrogate. */
    private static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(25, Arbitraries.strings().ascii().ofMaxLength(40)),
                Tuple.of(25, unicode(30)),
                Tuple.of(6, Arbitraries.of("", " ", "\u0000", "a\u0000b", "\n\r\t", "\u007f\u0085\u009f", "😀", "\uFEFF",
                        "\uFFFF", "\u202E", "ü", "\u00ff".repeat(200), "id-" + "é".repeat(130))),
                Tuple.of(4, unicode(300)),
                Tuple.of(1, Arbitraries.of("\uD800", "x\uDC00", "\uD83D", "a\uDBFFb")));
    }

    private static Arbitrary<String> source() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("/orders", "/ü/😀", "https://example.com/a?b=c#d", "urn:acme:orders",
                        "mailto:a@b.c", "/kit/" + "x".repeat(300))),
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars("/-._~:@!$&'()*+,;=").ofMaxLength(30)
                        .map(s -> "/" + s)),
                Tuple.of(1, Arbitraries.of("a b", "%zz", "http://[::1", "")));
    }

    private static Arbitrary<String> dataSchema() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("https://schemas.example.com/o.json", "urn:x:y", "file:///tmp/s.json",
                        "https://ü.example/😀", "https://example.com/" + "s".repeat(280))),
                Tuple.of(1, Arbitraries.of("relative/path", "http://a b", "")));
    }

    private static Arbitrary<Instant> time() {
        long min = Message.MIN_TIME.getEpochSecond();
        long max = Message.MAX_TIME.getEpochSecond();
        Arbitrary<Instant> inRange = Combinators.combine(Arbitraries.longs().between(min, max),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        return Arbitraries.frequencyOf(
                Tuple.of(12, inRange),
                Tuple.of(2, Arbitraries.of(Message.MIN_TIME, Message.MAX_TIME, Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"))),
                Tuple.of(1, Arbitraries.of(Message.MAX_TIME.plusNanos(1), Instant.MIN, Instant.MAX)));
    }

    private static Arbitrary<Map<String, String>> extensions() {
        StringArbitrary alnum = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9');
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(40, alnum.ofMinLength(1).ofMaxLength(20)),
                Tuple.of(5, alnum.ofMinLength(21).ofMaxLength(64)),
                Tuple.of(1, Arbitraries.of("partitionkey", "Tenant", "tenant-id", "subject", "", "x".repeat(65))));
        return Arbitraries.maps(names, text()).ofMaxSize(6);
    }

    private static Arbitrary<Integer> dataSize(int max) {
        return Arbitraries.frequencyOf(
                Tuple.of(70, Arbitraries.integers().between(0, Math.min(max, 256))),
                Tuple.of(24, Arbitraries.integers().between(0, Math.min(max, 64 * 1024))),
                Tuple.of(4, Arbitraries.integers().between(0, max)),
                Tuple.of(2, Arbitraries.just(max)));
    }

    /** A value for failure messages: Java-escaped non-printables, cut at 60 chars. */
    static String show(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().limit(60).forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xD800 && cp <= 0xDFFF)) sb.append(String.format("\\u%04x", cp));
            else sb.appendCodePoint(cp);
        });
        if (s.codePointCount(0, s.length()) > 60) sb.append("...(").append(s.length()).append(" chars)");
        return sb.append('"').toString();
    }
}
