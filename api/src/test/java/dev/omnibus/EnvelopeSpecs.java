package dev.omnibus;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random envelope attributes for the property tests, valid and invalid alike (unicode, control characters,
 * unpaired surrogates, empty strings, odd URIs, times outside RFC 3339, bad extension names), and an oracle
 * that says, independently of {@link Message}'s code, which attributes CloudEvents 1.0 refuses.
 */
final class EnvelopeSpecs {
    private EnvelopeSpecs() {}

    /** The raw inputs of one {@link Message.Builder}; {@code null} means "not set". */
    record Spec(String id, String source, String type, String subject, Instant time, String contentType,
                String dataSchema, Map<String, String> extensions, String key, byte[] data) {

        /** Builds it the way an application would; throws what the builder throws. */
        Message build() {
            Message.Builder b = Message.builder().id(id).source(source).type(type).subject(subject).time(time)
                    .dataSchema(dataSchema);
            extensions.forEach(b::extension);
            if (key != null) b.key(key);
            return b.data(data, contentType).build();
        }

        /** The extensions the built message must hold (the key wins over a {@code partitionkey} extension). */
        Map<String, String> expectedExtensions() {
            Map<String, String> m = new LinkedHashMap<>(extensions);
            if (key != null) m.put(Message.KEY_EXTENSION, key);
            return m;
        }

        /** Every attribute CloudEvents 1.0 (as Omnibus documents it) refuses; empty when the spec is valid. */
        Set<String> problems() {
            Set<String> p = new LinkedHashSet<>();
            if (id != null && !text(id)) p.add("id");
            if (source != null && (!text(source) || !uriReference(source))) p.add("source");
            if (type == null || !text(type)) p.add("type");
            if (subject != null && !text(subject)) p.add("subject");
            if (time != null && (time.isBefore(Instant.parse("0000-01-01T00:00:00Z"))
                    || time.isAfter(Instant.parse("9999-12-31T23:59:59.999999999Z")))) p.add("time");
            if (contentType != null && !text(contentType)) p.add("datacontenttype");
            if (dataSchema != null && (!text(dataSchema) || !absoluteUri(dataSchema))) p.add("dataschema");
            for (Map.Entry<String, String> e : extensions.entrySet()) {
                if (!validExtensionName(e.getKey()) || !utf8(e.getValue())) p.add(e.getKey());
            }
            if (key != null && !utf8(key)) p.add(Message.KEY_EXTENSION);
            return p;
        }
    }

    static final List<String> RESERVED = List.copyOf(Message.RESERVED_NAMES);

    static boolean validExtensionName(String name) {
        return name.matches("[a-z0-9]{1,64}") && !Message.RESERVED_NAMES.contains(name);
    }

    /** Encodable as UTF-8, i.e. no unpaired surrogate (checked by the JDK's encoder, not by Message's code). */
    static boolean utf8(String s) { return StandardCharsets.UTF_8.newEncoder().canEncode(s); }

    private static boolean text(String s) { return !s.isEmpty() && utf8(s); }

    private static boolean uriReference(String s) {
        try { new URI(s); return true; } catch (URISyntaxException e) { return false; }
    }

    private static boolean absoluteUri(String s) {
        try { return new URI(s).isAbsolute(); } catch (URISyntaxException e) { return false; }
    }

    // ---------------------------------------------------------------------------------------------

    /** Well-formed unicode text of up to {@code max} code points: any plane, control characters included. */
    static Arbitrary<String> unicode(int max) {
        return Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list().ofMaxSize(max)
                .map(cps -> { StringBuilder sb = new StringBuilder(); cps.forEach(sb::appendCodePoint); return sb.toString(); });
    }

    /** Any text: ASCII with control characters, unicode, raw UTF-16 (unpaired surrogates), edge cases, long text. */
    static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.strings().ascii().ofMaxLength(40)),
                Tuple.of(10, unicode(30)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)),
                Tuple.of(1, Arbitraries.of("", " ", "\u0000", "\n\r\t", "\u007f\u0085\u009f", "\uD800", "x\uDC00", "\uD83D",
                        "😀", "\uFEFF", "\uFFFF", "\u202E", "a\u0000b")),
                Tuple.of(1, unicode(300)));
    }

    static Arbitrary<String> source() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("/orders", "/ü/😀", "https://example.com/a?b=c#d", "urn:acme:orders", "mailto:a@b.c",
                        "a b", "%zz", "http://[::1", "", "/kit/" + "x".repeat(300))),
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars("/-._~:@!$&'()*+,;=").ofMaxLength(30)
                        .map(s -> "/" + s)),
                Tuple.of(1, text()));
    }

    static Arbitrary<String> dataSchema() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("https://schemas.example.com/o.json", "urn:x:y", "relative/path", "http://a b", "",
                        "file:///tmp/s.json", "https://ü.example/😀")),
                Tuple.of(1, text()));
    }

    static Arbitrary<Instant> time() {
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        Arbitrary<Instant> inRange = Combinators.combine(Arbitraries.longs().between(min, max),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<Instant> anywhere = Combinators.combine(Arbitraries.longs().between(Instant.MIN.getEpochSecond(),
                Instant.MAX.getEpochSecond()), Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        return Arbitraries.frequencyOf(
                Tuple.of(6, inRange),
                Tuple.of(1, anywhere),
                Tuple.of(1, Arbitraries.of(Message.MIN_TIME, Message.MAX_TIME, Message.MIN_TIME.minusNanos(1),
                        Message.MAX_TIME.plusNanos(1), Instant.EPOCH, Instant.MIN, Instant.MAX)));
    }

    /** Extension names: mostly valid (short and up to 64 chars), some reserved, some invalid. */
    static Arbitrary<String> extensionName() {
        net.jqwik.api.arbitraries.StringArbitrary alnum = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9');
        return Arbitraries.frequencyOf(
                Tuple.of(30, alnum.ofMinLength(1).ofMaxLength(20)),
                Tuple.of(4, alnum.ofMinLength(21).ofMaxLength(66)),
                Tuple.of(1, Arbitraries.of(RESERVED).map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("partitionkey", "Tenant", "tenant-id", "tenant_id", "", "é", "a b", "dataref")),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(8)));
    }

    static Arbitrary<Map<String, String>> extensions() {
        return Arbitraries.maps(extensionName(), text()).ofMaxSize(6);
    }

    /** Payload bytes: mostly small, sometimes up to {@code maxBytes}; the bytes themselves come from a seeded Random. */
    static Arbitrary<byte[]> data(int maxBytes) {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 256)),
                Tuple.of(3, Arbitraries.integers().between(0, Math.min(maxBytes, 64 * 1024))),
                Tuple.of(1, Arbitraries.integers().between(0, maxBytes)),
                Tuple.of(1, Arbitraries.of(0, maxBytes)));
        return Combinators.combine(size, Arbitraries.longs()).as((n, seed) -> {
            byte[] b = new byte[n];
            new Random(seed).nextBytes(b);
            return b;
        });
    }

    /** Random specs, valid and invalid. */
    static Arbitrary<Spec> specs(int maxBytes) {
        Arbitrary<String> optionalText = text().injectNull(0.3);
        return Combinators.combine(text().injectNull(0.2), source().injectNull(0.2), text().injectNull(0.05), optionalText,
                        time().injectNull(0.2), optionalText, dataSchema().injectNull(0.6), extensions())
                .flatAs((id, source, type, subject, time, contentType, dataSchema, ext) ->
                        Combinators.combine(text().injectNull(0.4), data(maxBytes)).as((key, data) ->
                                new Spec(id, source, type, subject, time, contentType, dataSchema, ext, key, data)));
    }
}
