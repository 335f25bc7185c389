package dev.omnibus.internal;

import dev.omnibus.ConfigurationException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human durations: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, ISO-8601 {@code PT5S}, or plain ms. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private Durations() {}

    public static Duration parse(String key, String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        Matcher m = SIMPLE.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                Duration d = switch (unit) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofMillis(n);
                };
                d.toMillis(); // users of a duration work in milliseconds: refuse one that overflows them
                return d;
            }
            if (t.startsWith("pt") || t.startsWith("p")) {
                Duration d = Duration.parse(t.toUpperCase());
                d.toMillis();
                if (!d.isNegative()) return d;
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException ignored) {
            // fall through to the error below
        }
        throw new ConfigurationException(key, text, "a duration such as 250ms, 5s, 2m, 1h or PT5S (at most Long.MAX_VALUE milliseconds)");
    }
}
