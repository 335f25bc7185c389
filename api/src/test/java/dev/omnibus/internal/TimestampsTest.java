package dev.omnibus.internal;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Timestamps#parse} reads exactly what {@code OffsetDateTime.parse(ISO_OFFSET_DATE_TIME)} reads, and refuses what it refuses. */
class TimestampsTest {
    private static Instant reference(String text) {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /** Any instant of RFC 3339's years, any offset, 0-9 fraction digits: the same instant as the formatter. */
    @Property(tries = 3000)
    void agreesWithTheFormatterOnTheCommonForm(@ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long epochSecond,
                                               @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
                                               @ForAll @IntRange(min = 0, max = 9) int fractionDigits,
                                               @ForAll("offsets") ZoneOffset offset) {
        OffsetDateTime t = Instant.ofEpochSecond(epochSecond, nanos).atOffset(offset);
        if (t.getYear() < 0 || t.getYear() > 9999) return; // outside the 4-digit form after the offset
        String base = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        String fraction = fractionDigits == 0 ? "" : "." + String.format("%09d", t.getNano()).substring(0, fractionDigits);
        String zone = offset.getTotalSeconds() == 0 && fractionDigits % 2 == 0 ? "Z" : offset.getId().equals("Z") ? "+00:00" : offset.getId();
        String text = base + fraction + zone;
        assertThat(Timestamps.parse(text)).as(text).isEqualTo(reference(text));
    }

    @Provide
    Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.integers().between(-18 * 60, 18 * 60).map(m -> ZoneOffset.ofTotalSeconds(m * 60));
    }

    @Example
    void whatOmnibusWritesAndTheFormsOtherClientsWrite() {
        for (String text : new String[]{"2026-12-02T05:27:00.123456Z", "2026-12-02T05:27:00Z", "2024-02-29T23:59:59.999999999+14:00",
                "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2025-01-02T03:04:05.123456+02:00",
                "2025-01-02t03:04:05z", "2025-01-02T03:04:05-00:00", "2025-01-02T03:04:05+01:00:30", "2025-01-01T00:00:00.Z"}) {
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(reference(text));
        }
    }

    @Example
    void refusesWhatTheFormatterRefuses() {
        for (String text : new String[]{"2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z",
                "2025-01-01T00:60:00Z", "2025-01-01T00:00:60Z", "2025-01-01T00:00:00",
                "2025-01-01T00:00:00.1234567890Z", "2025-01-01T00:00:00+19:00", "2025-01-01 00:00:00Z", "not a time",
                "2025-01-01T00:00:00Zjunk", "+2025-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> reference(text)).as("the formatter refuses %s", text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }

    /** {@link Timestamps#format} writes what {@code ISO_INSTANT} writes, for every instant a message can carry and beyond. */
    @Property(tries = 3000)
    void formatsAsTheIsoInstantFormatter(@ForAll @LongRange(min = -62_167_219_200L - 86_400, max = 253_402_300_799L + 86_400) long epochSecond,
                                         @ForAll("nanos") int nanos) {
        Instant i = Instant.ofEpochSecond(epochSecond, nanos);
        assertThat(Timestamps.format(i)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(i));
        assertThat(new String(Timestamps.formatAscii(i), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(i));
        if (epochSecond >= -62_167_219_200L && epochSecond <= 253_402_300_799L) assertThat(Timestamps.parse(Timestamps.format(i))).isEqualTo(i);
    }

    @Provide
    Arbitrary<Integer> nanos() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(m -> m * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(u -> u * 1000), Arbitraries.integers().between(0, 999_999_999));
    }

    @Example
    void formatsTheEdges() {
        for (String text : new String[]{"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999Z", "2000-02-29T12:00:00.100Z", "2026-12-02T05:27:00.123456Z"}) {
            assertThat(Timestamps.format(Instant.parse(text))).isEqualTo(text);
        }
    }
}
