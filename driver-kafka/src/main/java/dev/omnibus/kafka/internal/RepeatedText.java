package dev.omnibus.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The last string of one header and its UTF-8 bytes, for header values that repeat from record to record
 * ({@code source}, {@code type}, the content type): encoding reuses the bytes while the string is the same,
 * decoding reuses the string while the bytes are the same, and a different value replaces the entry. An entry
 * is immutable, so one instance serves every thread; a race only costs a miss. The shared bytes are only read
 * (Kafka serializes header values, it does not write to them).
 */
final class RepeatedText {
    private record Entry(String text, byte[] utf8) {}

    private volatile Entry last = new Entry("", new byte[0]);

    /** The UTF-8 bytes of {@code text}: the cached array when {@code text} is the last one encoded. */
    byte[] encode(String text) {
        Entry e = last;
        if (e.text == text || e.text.equals(text)) return e.utf8;
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        last = new Entry(text, utf8);
        return utf8;
    }

    /** {@code utf8} as a string: the cached one when the bytes equal the last ones decoded. */
    String decode(byte[] utf8) {
        Entry e = last;
        if (Arrays.equals(e.utf8, utf8)) return e.text;
        String text = new String(utf8, StandardCharsets.UTF_8);
        last = new Entry(text, utf8);
        return text;
    }
}
