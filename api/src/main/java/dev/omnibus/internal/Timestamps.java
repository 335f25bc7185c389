package dev.omnibus.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one precision of every timestamp Omnibus writes into a message ({@code time}, {@code dlqfirstfailure},
 * {@code dlqlastfailure}): microseconds, so that every broker, the CloudEvents SDKs and databases with
 * microsecond columns carry it unchanged.
 */
public final class Timestamps {
    private Timestamps() {}

    /** Now, truncated to microseconds. */
    public static Instant now() { return Instant.now().truncatedTo(ChronoUnit.MICROS); }

    /**
     * An RFC 3339 timestamp ({@code time} of every wire mapping) as an instant: exactly what
     * {@code OffsetDateTime.parse(text, ISO_OFFSET_DATE_TIME).toInstant()} returns, and the same
     * {@link java.time.format.DateTimeParseException} for what it refuses. The common form
     * ({@code 2026-12-02T05:27:00.123456Z}, or with a {@code ±HH:MM} offset, 0-9 fraction digits) is read
     * digit by digit without a formatter: on a consumer thread at saturation the formatter was a third of
     * the time spent decoding a Kafka record. Anything else goes through the formatter.
     */
    public static Instant parse(String text) {
        Instant fast = parseCommon(text);
        return fast != null ? fast : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /** The common form, or {@code null} when {@code text} is not in it (the formatter then decides). */
    private static Instant parseCommon(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2);
        int hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(t.charAt(i))) nanos = nanos * 10 + (t.charAt(i++) - '0');
            int count = i - start;
            if (count == 0 || (i < n && isDigit(t.charAt(i)))) return null;
            for (int k = count; k < 9; k++) nanos *= 10;
        }
        if (i >= n) return null;
        int offsetSeconds;
        char sign = t.charAt(i);
        if (sign == 'Z') {
            if (i + 1 != n) return null;
            offsetSeconds = 0;
        } else if (sign == '+' || sign == '-') {
            if (i + 6 != n || t.charAt(i + 3) != ':') return null;
            int oh = digits(t, i + 1, 2), om = digits(t, i + 4, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59 || (oh == 18 && om != 0)) return null;
            offsetSeconds = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
        } else {
            return null;
        }
        long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** {@code count} decimal digits at {@code from}, or -1 if any is not a digit. */
    private static int digits(String t, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (!isDigit(c)) return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int monthLength(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (years 0-9999 here). */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /**
     * {@code instant} as {@link DateTimeFormatter#ISO_INSTANT} writes it ({@code 2026-12-02T05:27:00.123456Z}: no
     * fraction, or 3, 6 or 9 digits), written without the formatter for years 0000-9999 (every {@code Message}
     * time); other instants go through the formatter.
     */
    public static String format(Instant instant) {
        byte[] ascii = common(instant);
        return ascii == null ? DateTimeFormatter.ISO_INSTANT.format(instant) : new String(ascii, StandardCharsets.ISO_8859_1);
    }

    /** {@link #format(Instant)} as US-ASCII bytes (a header value), without the intermediate string. */
    public static byte[] formatAscii(Instant instant) {
        byte[] ascii = common(instant);
        return ascii != null ? ascii : DateTimeFormatter.ISO_INSTANT.format(instant).getBytes(StandardCharsets.US_ASCII);
    }

    /** The common form (years 0000-9999) digit by digit, or null outside it. */
    private static byte[] common(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_COMMON_SECOND || seconds > MAX_COMMON_SECOND) return null;
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) (seconds - day * 86_400L);
        // civil date from days since 1970-01-01 (inverse of epochDay)
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        int nano = instant.getNano();
        byte[] out = new byte[nano == 0 ? 20 : nano % 1_000_000 == 0 ? 24 : nano % 1000 == 0 ? 27 : 30];
        put(out, 0, year, 4); out[4] = '-'; put(out, 5, month, 2); out[7] = '-'; put(out, 8, dayOfMonth, 2);
        out[10] = 'T'; put(out, 11, secondOfDay / 3600, 2); out[13] = ':'; put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':'; put(out, 17, secondOfDay % 60, 2);
        if (nano != 0) {
            out[19] = '.';
            int digits = out.length - 21;
            put(out, 20, nano / POW10[9 - digits], digits);
        }
        out[out.length - 1] = 'Z';
        return out;
    }

    private static final long MIN_COMMON_SECOND = -62_167_219_200L;  // 0000-01-01T00:00:00Z
    private static final long MAX_COMMON_SECOND = 253_402_300_799L;  // 9999-12-31T23:59:59Z
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

    /** {@code value} as exactly {@code width} decimal digits at {@code at}. */
    private static void put(byte[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
